"""With Redis as the cache, an outage of Redis must not take pages or logins down.

Each test runs its own redis-server on a free port and stops it mid-test.
"""

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from accounts.tests.factories import DEFAULT_PASSWORD
from cerego.tests.servers import RedisServer
from decks.models import ImportJob
from decks.services.imports import import_job_create
from decks.services.languages import languages_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_redis(settings):
    server = RedisServer()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "cerego",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    yield server
    server.stop()


def web_login(client: Client, username: str, password: str = DEFAULT_PASSWORD) -> int:
    return client.post("/login/", {"username": username, "password": password}).status_code


def api_login(username: str) -> int:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": DEFAULT_PASSWORD}
    )
    return response.status_code


def test_pages_and_logins_work_while_redis_is_down_and_recover(
    client, learner, private_redis, caplog
):
    assert web_login(client, learner.username) == 302
    assert client.get("/account/").status_code == 200

    private_redis.stop()

    page = client.get("/account/")  # the session comes from the database now
    assert page.status_code == 200
    assert learner.email in page.content.decode()
    newcomer = Client()
    assert web_login(newcomer, learner.username) == 302
    assert learner.email in newcomer.get("/account/").content.decode()
    assert api_login(learner.username) == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "ok", "cache": "unavailable"}
    assert "cache unreachable" in caplog.text

    private_redis.start()

    assert client.get("/readyz").status_code == 200
    assert client.get("/account/").status_code == 200
    assert api_login(learner.username) == 200
    # Counting in Redis again: the login above left its throttle count there.
    assert redis.Redis(port=private_redis.port).keys("cerego:*throttle_token_*")


def test_while_redis_is_down_throttles_let_logins_through_but_lockout_still_counts(
    client, learner, private_redis, settings
):
    private_redis.stop()
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])

    assert {web_login(Client(), learner.username) for _ in range(limit + 1)} == {302}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        web_login(client, learner.username, "wrong password")
    # The lockout is counted in the database, so guessing stays capped without Redis.
    assert web_login(client, learner.username) == 429
    assert api_login(learner.username) == 429


def test_while_redis_is_down_imports_run_and_their_page_answers(
    client, learner, private_redis, django_capture_on_commit_callbacks
):
    languages_seed()
    client.force_login(learner)
    running = ImportJob.objects.create(
        owner=learner, file_name="big.csv", file_format="csv", status="running", progress=42
    )
    private_redis.stop()

    assert '<progress value="42"' in client.get(f"/imports/{running.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(
            owner=learner, file=SimpleUploadedFile("w.csv", b"hola,hello,,es\n")
        )
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 1)
