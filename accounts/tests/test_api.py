from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import AuditEvent
from accounts.services import user_password_reset
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.hashers import CountingMD5Hasher

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
REGISTER = "/api/v1/auth/register/"
ME = "/api/v1/auth/me/"
PASSWORD_CHANGE = "/api/v1/auth/password/change/"
PASSWORD_RESET = "/api/v1/auth/password/reset/"
PASSWORD_RESET_CONFIRM = "/api/v1/auth/password/reset/confirm/"
NEW_PASSWORD = "a-brand-new-pass-phrase"


@pytest.fixture
def admin(db):
    return UserFactory(username="root", is_admin=True, is_superuser=True)


def obtain(api_client, username, password=DEFAULT_PASSWORD, ip="127.0.0.1"):
    body = {"username": username, "password": password}
    return api_client.post(TOKEN, body, format="json", REMOTE_ADDR=ip)


def bearer(api_client, access):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return api_client


# --- The whole journey, as a mobile client makes it --------------------------------


def test_admin_obtains_a_token_pair(api_client, admin):
    response = obtain(api_client, "root")

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_a_token_by_email_in_any_case(api_client, learner):
    assert obtain(api_client, learner.email.upper()).status_code == 200


def test_refresh_rotates_and_the_old_refresh_token_is_refused(api_client, admin):
    refresh = obtain(api_client, "root").json()["refresh"]

    rotated = api_client.post(REFRESH, {"refresh": refresh}, format="json")
    replayed = api_client.post(REFRESH, {"refresh": refresh}, format="json")

    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != refresh
    assert replayed.status_code == 401
    assert "blacklisted" in replayed.json()["detail"]


def test_wrong_password_is_a_json_401_and_is_audited(api_client, admin):
    response = obtain(api_client, "root", "not-the-password")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.actor_name, event.ip_address) == ("root", "127.0.0.1")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"username", "password"}),
        ({"username": ["root"], "password": 1}, {"username"}),
        ({"username": "u" * 10_000, "password": "x"}, {"username"}),
        ({"username": "root", "password": "p" * 10_000}, {"password"}),
    ],
)
def test_bad_token_requests_are_json_field_errors(api_client, body, fields):
    response = api_client.post(TOKEN, body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == fields


@pytest.mark.parametrize("refresh", ["", "garbage", "x" * 10_000])
def test_bad_refresh_tokens_are_4xx_json(api_client, refresh):
    response = api_client.post(REFRESH, {"refresh": refresh}, format="json")

    assert response.status_code in (400, 401)
    assert response["Content-Type"] == "application/json"


def test_logout_with_a_bad_token_is_a_401(api_client):
    response = api_client.post(LOGOUT, {"refresh": "garbage"}, format="json")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_unknown_users_wrong_passwords_and_inactive_accounts_are_refused_alike(
    api_client, learner, settings
):
    """Nothing tells the three apart: the same 401, the same queries, one password hashed."""
    settings.PASSWORD_HASHERS = ["accounts.tests.hashers.CountingMD5Hasher"]
    UserFactory(username="dormant", is_active=False)
    attempts = [("nobody", "guess"), (learner.username, "guess"), ("dormant", DEFAULT_PASSWORD)]
    answers, work = [], []
    for username, password in attempts:
        CountingMD5Hasher.hashed = 0
        with CaptureQueriesContext(connection) as queries:
            answers.append(obtain(api_client, username, password))
        work.append((len(queries), CountingMD5Hasher.hashed))

    assert {answer.status_code for answer in answers} == {401}
    assert len({answer.content for answer in answers}) == 1
    assert work == [(work[0][0], 1)] * 3


# --- Lockout ------------------------------------------------------------------------


def test_five_failures_lock_the_username_with_a_429(api_client, learner, settings):
    answers = [obtain(api_client, learner.username, "wrong").status_code for _ in range(5)]

    assert answers == [401, 401, 401, 401, 429]
    locked = obtain(api_client, learner.username)  # even the right password
    assert locked.status_code == 429
    assert "locked" in locked.json()["detail"]
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert AuditEvent.objects.filter(action="lockout").exists()


def test_email_and_username_failures_count_against_the_same_account(api_client, learner):
    for login in [learner.username, learner.email, learner.username.upper(), learner.email]:
        obtain(api_client, login, "wrong")

    assert obtain(api_client, learner.email.upper(), "wrong").status_code == 429


def test_a_success_does_not_reset_the_failure_count(api_client, learner):
    for _ in range(4):
        obtain(api_client, learner.username, "wrong")

    assert obtain(api_client, learner.username).status_code == 200
    assert obtain(api_client, learner.username, "wrong").status_code == 429


def test_the_lock_lifts_after_the_cool_off(api_client, learner, settings):
    for _ in range(5):
        obtain(api_client, learner.username, "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )

    assert obtain(api_client, learner.username).status_code == 200


def test_staff_unlock_by_deleting_the_attempt_in_admin(api_client, client, learner, staff):
    for _ in range(5):
        obtain(api_client, learner.username, "wrong")
    attempt = AccessAttempt.objects.get()
    client.force_login(staff)

    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert obtain(api_client, learner.username).status_code == 200


def test_locking_another_username_leaves_this_one_alone(api_client, learner):
    other = UserFactory()
    for _ in range(5):
        obtain(api_client, other.username, "wrong")

    assert obtain(api_client, learner.username).status_code == 200


@pytest.mark.parametrize("victim", ["learner", "staff"])
def test_a_stranger_failing_from_elsewhere_does_not_lock_the_account_out(
    api_client, request, victim
):
    user = request.getfixturevalue(victim)
    stranger = [obtain(api_client, user.username, "guess", ip="203.0.113.9") for _ in range(6)]

    assert [r.status_code for r in stranger] == [401, 401, 401, 401, 429, 429]
    assert obtain(api_client, user.username, ip="198.51.100.7").status_code == 200
    assert obtain(api_client, user.username, ip="203.0.113.9").status_code == 429


def test_a_forged_forwarded_for_header_does_not_dodge_the_lock(api_client, learner):
    """Without trusted proxies X-Forwarded-For is ignored: the guesser keeps one address."""
    for n in range(5):
        api_client.post(
            TOKEN,
            {"username": learner.username, "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    assert obtain(api_client, learner.username).status_code == 429


def test_guessing_spread_over_many_addresses_locks_the_account_everywhere(
    api_client, learner, settings
):
    limit = settings.ACCOUNT_LOCKOUT_USERNAME_LIMIT
    addresses = [f"10.0.{n // 4}.{n % 4}" for n in range(limit)]  # never 5 from one
    for ip in addresses[:-1]:
        assert obtain(api_client, learner.username, "guess", ip=ip).status_code == 401
    assert obtain(api_client, learner.username, ip="198.51.100.7").status_code == 200

    last = obtain(api_client, learner.username, "guess", ip=addresses[-1])
    elsewhere = obtain(api_client, learner.username, ip="198.51.100.7")

    assert last.status_code == elsewhere.status_code == 429
    assert "locked" in elsewhere.json()["detail"]
    assert int(elsewhere["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def test_a_reset_password_lifts_both_tiers(api_client, learner, settings):
    for n in range(settings.ACCOUNT_LOCKOUT_USERNAME_LIMIT):
        obtain(api_client, learner.username, "guess", ip=f"10.1.{n // 4}.{n % 4}")
    assert obtain(api_client, learner.username).status_code == 429

    user_password_reset(user=learner, password=NEW_PASSWORD, ip=None)

    assert obtain(api_client, learner.username, NEW_PASSWORD).status_code == 200


# --- Registration -------------------------------------------------------------------


def test_me_requires_a_token(api_client):
    response = api_client.get(ME)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_patch_me(learner_api_client, learner):
    response = learner_api_client.patch(ME, {"username": "renamed", "email": "new@example.com"})

    assert response.status_code == 200
    assert response.json()["username"] == "renamed"
    learner.refresh_from_db()
    assert learner.email == "new@example.com"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "Taken"}, "username"),
        ({"email": "TAKEN@example.com"}, "email"),
        ({"email": "nope"}, "email"),
        ({"username": "u" * 10_000}, "username"),
        ({"username": "bad name"}, "username"),
    ],
)
def test_bad_profile_changes_are_refused(learner_api_client, learner, body, field):
    UserFactory(username="taken", email="taken@example.com")

    response = learner_api_client.patch(ME, body)

    assert response.status_code == 400
    assert field in response.json()
    learner.refresh_from_db()
    assert learner.username.startswith("learner")


def test_password_change_revokes_every_refresh_token(api_client, learner):
    phone = obtain(api_client, learner.username).json()
    tablet = obtain(api_client, learner.username).json()

    response = bearer(api_client, phone["access"]).post(
        PASSWORD_CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 204
    api_client.credentials()
    for device in (phone, tablet):
        assert api_client.post(REFRESH, {"refresh": device["refresh"]}).status_code == 401
    assert obtain(api_client, learner.username, NEW_PASSWORD).status_code == 200
    assert AuditEvent.objects.filter(action="password_changed", actor=learner).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"old_password": "wrong", "new_password": NEW_PASSWORD}, "old_password"),
        ({"old_password": DEFAULT_PASSWORD, "new_password": "short"}, "new_password"),
        ({"old_password": DEFAULT_PASSWORD}, "new_password"),
    ],
)
def test_bad_password_changes_keep_the_old_password(learner_api_client, learner, body, field):
    response = learner_api_client.post(PASSWORD_CHANGE, body)

    assert response.status_code == 400
    assert field in response.json()
    learner.refresh_from_db()
    assert learner.check_password(DEFAULT_PASSWORD)


def test_password_reset_answers_the_same_for_known_and_unknown_emails(
    api_client, learner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = api_client.post(PASSWORD_RESET, {"email": learner.email.upper()})
        unknown = api_client.post(PASSWORD_RESET, {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert [m.to for m in mailoutbox] == [[learner.email]]
    assert "/reset/" in mailoutbox[0].body


def test_a_reset_request_does_the_same_work_for_known_and_unknown_emails(
    api_client, learner, django_capture_on_commit_callbacks
):
    """The deterministic form of "takes as long": same queries, one queued task each."""
    UserFactory(email="nobody@example.org")  # a near miss, to be sure nothing matches loosely
    answers, work = [], []
    for email in [learner.email, "nobody@example.com"]:
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks() as queued,
        ):
            answers.append(api_client.post(PASSWORD_RESET, {"email": email}))
        work.append((len(queries), len(queued)))

    assert answers[0].content == answers[1].content
    assert answers[0].status_code == answers[1].status_code == 202
    assert work[0] == work[1]
    assert work[0][1] == 1


def reset_link_parts(user):
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def test_password_reset_confirm_sets_the_password_once(api_client, learner):
    refresh = obtain(api_client, learner.username).json()["refresh"]
    learner.refresh_from_db()  # a login voids older reset links, so make it afterwards
    uid, token = reset_link_parts(learner)

    body = {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    first = api_client.post(PASSWORD_RESET_CONFIRM, body)
    second = api_client.post(PASSWORD_RESET_CONFIRM, body | {"new_password": "yet-another-1"})

    assert first.status_code == 204
    assert second.status_code == 400
    assert "invalid or has expired" in second.json()["token"][0]
    assert obtain(api_client, learner.username, NEW_PASSWORD).status_code == 200
    assert api_client.post(REFRESH, {"refresh": refresh}).status_code == 401
    assert AuditEvent.objects.filter(action="password_reset", actor=learner).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"uid": "garbage", "token": "garbage", "new_password": NEW_PASSWORD},
        {"uid": "MTIzNDU2Nzg5", "token": "x" * 10_000, "new_password": NEW_PASSWORD},
        {"uid": "", "token": "", "new_password": ""},
        {},
    ],
)
def test_bad_reset_confirmations_are_400(api_client, body):
    response = api_client.post(PASSWORD_RESET_CONFIRM, body, format="json")

    assert response.status_code == 400
    assert response.json()


def test_reset_confirm_refuses_a_weak_password(api_client, learner):
    uid, token = reset_link_parts(learner)

    response = api_client.post(
        PASSWORD_RESET_CONFIRM, {"uid": uid, "token": token, "new_password": "123"}
    )

    assert response.status_code == 400
    assert "new_password" in response.json()
    learner.refresh_from_db()
    assert learner.check_password(DEFAULT_PASSWORD)


def test_password_reset_is_throttled(api_client, settings):
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["password_reset"].split("/")[0])
    for _ in range(limit):
        api_client.post(PASSWORD_RESET, {"email": "x@example.com"})

    assert api_client.post(PASSWORD_RESET, {"email": "x@example.com"}).status_code == 429


def test_token_endpoint_is_throttled(api_client, settings):
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])
    answers = [obtain(api_client, f"nobody{i}", "x").status_code for i in range(limit + 1)]

    assert answers[-1] == 429
    assert set(answers[:-1]) == {401}


def test_every_auth_endpoint_is_in_the_schema(client):
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    paths = [
        "token/",
        "token/refresh/",
        "logout/",
        "logout-everywhere/",
        "register/",
        "me/",
        "settings/",
        "password/change/",
        "password/reset/",
        "password/reset/confirm/",
    ]
    for path in paths:
        assert f"/api/v1/auth/{path}" in schema["paths"], path
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert set(token["responses"]) >= {"200", "400", "401", "429"}
    everywhere = schema["paths"]["/api/v1/auth/logout-everywhere/"]["post"]
    assert set(everywhere["responses"]) == {"204", "401"}
    assert everywhere["security"] == [{"jwtAuth": []}]
    assert "requestBody" not in everywhere


def test_unknown_users_and_wrong_passwords_get_the_same_401(api_client, learner):
    unknown = obtain(api_client, "nobody-here", "wrong")
    wrong = obtain(api_client, learner.username, "wrong")

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.content == wrong.content


def test_unknown_usernames_lock_like_real_ones(api_client, learner):
    for login in ("nobody-here", learner.username):
        answers = [obtain(api_client, login, "wrong").status_code for _ in range(5)]
        assert answers == [401, 401, 401, 401, 429]
