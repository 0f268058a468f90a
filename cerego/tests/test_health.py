import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_and_cache(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_readyz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["checks"] == {"database": "unavailable", "cache": "ok"}


def test_readyz_is_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "unavailable"}


def test_readyz_with_the_real_redis_cache(client, settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "ok"


def test_health_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
