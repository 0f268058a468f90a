from datetime import timedelta

import pytest

from accounts.models import AuditEvent, User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from waitlist.models import WaitlistEntry
from waitlist.tests.factories import WaitlistEntryFactory
from waitlist.tests.helpers import invite_token

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
REGISTER = "/api/v1/auth/register/"
ME = "/api/v1/auth/me/"


@pytest.fixture
def invite(staff, mailoutbox, django_capture_on_commit_callbacks):
    """An approved entry for ada@example.com and the token its invite mail carries."""
    entry = WaitlistEntryFactory(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        from waitlist.services import waitlist_entry_approve

        waitlist_entry_approve(entry=entry, actor=staff)
    return invite_token(mailoutbox[-1])


def learners():
    return User.objects.filter(is_admin=False)


def obtain(api_client, username, password=DEFAULT_PASSWORD):
    return api_client.post(TOKEN, {"username": username, "password": password}, format="json")


def bearer(api_client, access):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return api_client


def register(api_client, **overrides):
    body = {"username": "ada", "email": "ada@example.com", "password": "analytical-engine-1843"}
    return api_client.post(REGISTER, body | overrides, format="json")


# --- The whole journey, as a mobile client makes it --------------------------------


def test_mobile_journey_from_waitlist_to_logout(
    api_client, staff_api_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        joined = api_client.post("/api/v1/waitlist/", {"email": "ada@example.com"})
    assert joined.status_code == 202
    entry = WaitlistEntry.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        approved = staff_api_client.post(f"/api/v1/waitlist/entries/{entry.pk}/approve/")
    assert approved.status_code == 200
    token = invite_token(mailoutbox[0])

    registered = register(api_client, invite_token=token, username="Ada")
    assert registered.status_code == 201
    assert set(registered.json()) == {"id", "username", "email", "is_admin", "created_at"}

    pair = obtain(api_client, "ada@example.com", "analytical-engine-1843").json()
    me = bearer(api_client, pair["access"]).get(ME)
    assert me.status_code == 200
    assert me.json()["username"] == "Ada"
    assert me.json()["is_admin"] is False

    rotated = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert rotated.status_code == 200
    new_refresh = rotated.json()["refresh"]

    assert api_client.post(LOGOUT, {"refresh": new_refresh}, format="json").status_code == 204
    refused = api_client.post(REFRESH, {"refresh": new_refresh}, format="json")
    assert refused.status_code == 401
    assert api_client.post(REFRESH, {"refresh": pair["refresh"]}).status_code == 401
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.REGISTERED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"waitlist_approved", "registered", "login", "logout"} <= actions
    ada = User.objects.get(username="Ada")
    assert AuditEvent.objects.filter(action="logout", actor=ada).exists()


# --- Tokens -------------------------------------------------------------------------


def test_register_with_an_invite(api_client, invite):
    response = register(api_client, invite_token=invite, email="ADA@example.com")

    assert response.status_code == 201
    user = User.objects.get(username="ada")
    assert user.check_password("analytical-engine-1843")
    assert user.settings.time_zone == "UTC"
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.REGISTERED
    assert AuditEvent.objects.filter(action="registered", actor=user).exists()


def test_an_invite_registers_once(api_client, invite):
    register(api_client, invite_token=invite)

    again = register(api_client, invite_token=invite, username="ada2", email="ada@example.com")

    assert again.status_code == 400
    assert "already been used" in again.json()["invite_token"][0]
    assert learners().count() == 1


def test_an_expired_invite_cannot_register(api_client, invite):
    from django.utils import timezone

    WaitlistEntry.objects.update(invite_expires_at=timezone.now() - timedelta(minutes=1))

    response = register(api_client, invite_token=invite)

    assert response.status_code == 400
    assert "expired" in response.json()["invite_token"][0]
    assert not learners().exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"invite_token": ""}, "invite_token"),
        ({"invite_token": "made-up"}, "invite_token"),
        ({"invite_token": "x" * 10_000}, "invite_token"),
        ({"email": "eve@example.com"}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 10_000 + "@example.com"}, "email"),
        ({"username": "u" * 10_000}, "username"),
        ({"username": "no spaces!"}, "username"),
        ({"username": ["ada"]}, "username"),
        ({"password": "password"}, "password"),
        ({"password": "12345678901"}, "password"),
        ({"password": "ada"}, "password"),
        ({"password": "p" * 10_000}, "password"),
        ({"password": None}, "password"),
    ],
)
def test_bad_registrations_are_field_errors_and_create_nothing(
    api_client, invite, overrides, field
):
    body = {"invite_token": invite} | overrides

    response = register(api_client, **body)

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not learners().exists()
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.APPROVED


def test_weak_passwords_get_the_validators_own_messages(api_client, invite):
    response = register(api_client, invite_token=invite, password="12345")

    messages = response.json()["password"]
    assert "This password is too short. It must contain at least 8 characters." in messages
    assert "This password is entirely numeric." in messages


def test_username_and_email_are_unique_regardless_of_case(api_client, invite, settings):
    UserFactory(username="Ada", email="other@example.com")

    response = register(api_client, invite_token=invite, username="ADA")

    assert response.status_code == 400
    assert "already exists" in response.json()["username"][0]
    assert learners().count() == 1
    assert WaitlistEntry.objects.get().invite_used_at is None


@pytest.mark.parametrize("invite_token", ["", "not-an-invite"])
def test_without_a_valid_invite_taken_names_and_emails_are_not_revealed(
    api_client, learner, invite_token
):
    taken = register(
        api_client, invite_token=invite_token, username=learner.username, email=learner.email
    )
    free = register(api_client, invite_token=invite_token, username="newcomer", email="n@ew.com")

    assert taken.status_code == free.status_code == 400
    assert taken.json() == free.json()
    assert set(taken.json()) == {"invite_token"}


def test_without_the_waitlist_anyone_may_register(api_client, settings):
    settings.WAITLIST_ENABLED = False

    response = register(api_client, email="walk-in@example.com")

    assert response.status_code == 201
    assert User.objects.get().email == "walk-in@example.com"


def test_taken_email_is_refused_without_the_waitlist_too(api_client, settings, learner):
    settings.WAITLIST_ENABLED = False

    response = register(api_client, email=learner.email.upper())

    assert response.status_code == 400
    assert "email" in response.json()


def test_registration_is_throttled(api_client, settings):
    settings.WAITLIST_ENABLED = False
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["register"].split("/")[0])

    answers = [register(api_client, username="x", email="bad").status_code for _ in range(limit)]

    assert set(answers) == {400}
    assert register(api_client).status_code == 429


# --- Me and settings ----------------------------------------------------------------
