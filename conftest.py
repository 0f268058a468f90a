import os
import socket

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters live in the cache; no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def redis_url():
    """The real Redis: required in CI, skipped on a laptop without one."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    return url


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def learner(db: None) -> User:
    return UserFactory()


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory(username="staffer", is_admin=True, is_superuser=True)


@pytest.fixture
def learner_api_client(learner: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(learner)
    return client


@pytest.fixture
def staff_api_client(staff: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff)
    return client
