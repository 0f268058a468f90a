import pytest
from django.urls import reverse

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return UserFactory(username="root", is_admin=True, is_superuser=True)


def obtain(api_client, username, password=DEFAULT_PASSWORD):
    return api_client.post(
        reverse("token-obtain"), {"username": username, "password": password}, format="json"
    )


def test_admin_obtains_a_token_pair(api_client, admin):
    response = obtain(api_client, "root")

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_refresh_rotates_and_the_old_refresh_token_is_refused(api_client, admin):
    refresh = obtain(api_client, "root").json()["refresh"]

    rotated = api_client.post(reverse("token-refresh"), {"refresh": refresh}, format="json")
    replayed = api_client.post(reverse("token-refresh"), {"refresh": refresh}, format="json")

    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != refresh
    assert replayed.status_code == 401
    assert "blacklisted" in replayed.json()["detail"]


def test_wrong_password_is_a_json_401(api_client, admin):
    response = obtain(api_client, "root", "not-the-password")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_missing_fields_are_json_field_errors(api_client):
    response = api_client.post(reverse("token-obtain"), {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}
