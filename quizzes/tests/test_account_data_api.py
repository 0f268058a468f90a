"""The API's doors to a learner's data: GET /auth/export/ and DELETE /auth/me/."""

import json

import pytest

from accounts.models import AuditEvent, User
from decks.models import Catalog, Flashcard
from quizzes.models import ReviewLog
from quizzes.tests.two_learners import ADA_PASSWORD, two_learners

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/auth/export/"
ME = "/api/v1/auth/me/"


@pytest.fixture
def world(spanish, quiz_types):
    return two_learners(spanish)


@pytest.fixture
def ada_client(api_client, world):
    """Ada signed in with a real token pair, as a phone is."""
    tokens = api_client.post(
        "/api/v1/auth/token/", {"username": "ada", "password": ADA_PASSWORD}, format="json"
    ).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    api_client.refresh_token = tokens["refresh"]
    return api_client


def test_export_downloads_the_learners_data_as_a_json_file(ada_client):
    response = ada_client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="cerego-ada-')
    data = json.loads(b"".join(response.streaming_content))
    assert data["profile"]["username"] == "ada"
    assert [catalog["name"] for catalog in data["catalogs"]] == ["Spanish basics", "Animals"]
    assert AuditEvent.objects.filter(action="data_exported", actor_name="ada").count() == 1


def test_export_needs_a_token(api_client, world):
    response = api_client.get(EXPORT)

    assert response.status_code == 401
    assert "detail" in response.json()


def test_delete_with_the_password_deletes_the_account_and_its_tokens(ada_client, world):
    response = ada_client.delete(ME, {"password": ADA_PASSWORD}, format="json")

    assert response.status_code == 204
    assert not User.objects.filter(username="ada").exists()
    assert not Catalog.objects.filter(owner__username="ada").exists()
    assert Catalog.objects.filter(pk=world.bob_copy.pk).exists()
    # The access token in hand and the refresh token both stop working.
    assert ada_client.get(ME).status_code == 401
    refresh = ada_client.post(
        "/api/v1/auth/token/refresh/", {"refresh": ada_client.refresh_token}, format="json"
    )
    assert refresh.status_code == 401


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"password": "not-her-password"}, "Your password was entered incorrectly."),
        ({}, "This field is required."),
    ],
)
def test_delete_without_the_right_password_is_a_400_and_deletes_nothing(ada_client, body, error):
    counts = [model.objects.count() for model in (User, Catalog, Flashcard, ReviewLog)]

    response = ada_client.delete(ME, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"password": [error]}
    assert [model.objects.count() for model in (User, Catalog, Flashcard, ReviewLog)] == counts
    assert ada_client.get(ME).json()["username"] == "ada"


def test_delete_needs_a_token(api_client, world):
    response = api_client.delete(ME, {"password": ADA_PASSWORD}, format="json")

    assert response.status_code == 401
    assert User.objects.filter(username="ada").exists()
