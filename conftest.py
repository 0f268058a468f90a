import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import UserFactory


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def learner(db: None) -> User:
    return UserFactory()


@pytest.fixture
def learner_api_client(learner: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(learner)
    return client
