"""What an API client's tokens may not do: every forged, stale or revoked token is a JSON 401.

Tokens come from the real token endpoint; forgeries are made with PyJWT from their claims.
"""

import base64
import io
import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jwt
import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts.models import AuditEvent, User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = reverse("token-obtain")
REFRESH = reverse("token-refresh")
LOGOUT = reverse("api-logout")
LOGOUT_EVERYWHERE = reverse("api-logout-everywhere")
ME = reverse("api-me")
PASSWORD_CHANGE = reverse("api-password-change")
NEW_PASSWORD = "a-brand-new-pass-phrase"
SIGNING_KEY = settings.SIMPLE_JWT["SIGNING_KEY"]

Pair = dict[str, str]


def obtain(user: User, password: str = DEFAULT_PASSWORD) -> Pair:
    response = APIClient().post(TOKEN, {"username": user.username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def as_bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def me(access: str) -> Any:
    return as_bearer(access).get(ME)


def refresh(token: str) -> Any:
    return APIClient().post(REFRESH, {"refresh": token})


def assert_refused(response, code: str | None = None) -> None:
    """A 401 in the API's error shape, asking for a bearer token."""
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert isinstance(body["detail"], str)
    if code is not None:
        assert body["code"] == code


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def signed(claims: dict, key: str = SIGNING_KEY, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def another_users_claims_under_the_same_signature(pair: Pair, other: User) -> str:
    header, _, signature = pair["access"].split(".")
    claims = claims_of(pair["access"]) | {"user_id": str(other.pk)}
    return f"{header}.{_b64(claims)}.{signature}"


# --- Forged access tokens ------------------------------------------------------------

FORGERIES: dict[str, Callable[[Pair, User], str]] = {
    "bad signature": another_users_claims_under_the_same_signature,
    "alg none": lambda pair, other: (
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims_of(pair['access']))}."
    ),
    "another key": lambda pair, other: signed(claims_of(pair["access"]), "not-our-key-" * 4),
    "another algorithm": lambda pair, other: signed(claims_of(pair["access"]), algorithm="HS384"),
    "no expiry": lambda pair, other: signed(
        {k: v for k, v in claims_of(pair["access"]).items() if k != "exp"}
    ),
    "a refresh token as access": lambda pair, other: pair["refresh"],
    "garbage": lambda pair, other: "not.a.jwt",
}


@pytest.mark.parametrize("kind", FORGERIES)
def test_forged_access_tokens_are_refused(learner, kind):
    other = UserFactory()
    token = FORGERIES[kind](obtain(learner), other)

    assert_refused(me(token), "token_not_valid")


def test_an_access_token_is_refused_once_it_expires(learner):
    access = obtain(learner)["access"]
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]

    with time_machine.travel(timedelta(minutes=-1) + lifetime, tick=False):
        assert me(access).status_code == 200
    with time_machine.travel(timedelta(seconds=1) + lifetime, tick=False):
        assert_refused(me(access), "token_not_valid")


def test_an_expired_token_signed_with_our_key_is_refused(learner):
    claims = claims_of(obtain(learner)["access"])

    assert_refused(me(signed(claims | {"exp": claims["iat"] - 60})), "token_not_valid")


def test_a_refresh_token_is_refused_once_it_expires(learner):
    token = obtain(learner)["refresh"]
    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]

    with time_machine.travel(timedelta(seconds=1) + lifetime, tick=False):
        assert_refused(refresh(token), "token_not_valid")


# --- Refresh tokens that were used up, blacklisted or forged --------------------------


def _logged_out(pair: Pair, other: User) -> str:
    assert APIClient().post(LOGOUT, {"refresh": pair["refresh"]}).status_code == 204
    return pair["refresh"]


def _rotated(pair: Pair, other: User) -> str:
    assert refresh(pair["refresh"]).status_code == 200
    return pair["refresh"]


SPENT_REFRESH_TOKENS: dict[str, Callable[[Pair, User], str]] = {
    "blacklisted by logout": _logged_out,
    "already rotated": _rotated,
    "an access token": lambda pair, other: pair["access"],
    "another key": lambda pair, other: signed(claims_of(pair["refresh"]), "not-our-key-" * 4),
    "alg none": lambda pair, other: (
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims_of(pair['refresh']))}."
    ),
}


@pytest.mark.parametrize("kind", SPENT_REFRESH_TOKENS)
def test_spent_or_forged_refresh_tokens_are_refused(learner, kind):
    token = SPENT_REFRESH_TOKENS[kind](obtain(learner), UserFactory())

    assert_refused(refresh(token), "token_not_valid")


def test_a_rotated_pair_works_and_carries_the_current_token_version(learner):
    learner.token_version = 3
    learner.save(update_fields=["token_version"])

    rotated = refresh(obtain(learner)["refresh"]).json()

    assert me(rotated["access"]).status_code == 200
    assert claims_of(rotated["refresh"])["token_version"] == 3
    assert refresh(rotated["refresh"]).status_code == 200


# --- Tokens of accounts that are gone -------------------------------------------------


def _deleted(user: User) -> None:
    user.delete()  # as staff do in admin: no tokens revoked on the way


def _deactivated(user: User) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


@pytest.mark.parametrize("end", [_deleted, _deactivated], ids=["deleted", "deactivated"])
def test_tokens_of_an_account_that_is_gone_are_refused(learner, end):
    pair = obtain(learner)

    end(learner)

    assert_refused(me(pair["access"]), "user_not_found")
    assert_refused(refresh(pair["refresh"]))
    refused_login = APIClient().post(
        TOKEN, {"username": learner.username, "password": DEFAULT_PASSWORD}
    )
    assert_refused(refused_login)


# --- Revoking every token: a password change, logging out everywhere ------------------


def test_an_api_password_change_revokes_every_token_and_the_new_password_logs_in(learner):
    phone, tablet = obtain(learner), obtain(learner)

    changed = as_bearer(phone["access"]).post(
        PASSWORD_CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert changed.status_code == 204
    for device in (phone, tablet):
        assert_refused(me(device["access"]), "token_revoked")
        assert_refused(refresh(device["refresh"]))
    assert me(obtain(learner, NEW_PASSWORD)["access"]).status_code == 200


def test_a_web_password_change_revokes_tokens_but_keeps_the_web_session(client, learner):
    pair = obtain(learner)
    client.force_login(learner)

    changed = client.post(
        reverse("password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert changed.status_code == 302
    assert client.get(reverse("profile")).status_code == 200  # still signed in here
    assert_refused(me(pair["access"]), "token_revoked")
    assert_refused(refresh(pair["refresh"]))
    assert me(obtain(learner, NEW_PASSWORD)["access"]).status_code == 200


def test_a_password_reset_revokes_every_token(learner):
    pair = obtain(learner)
    learner.refresh_from_db()  # logging in changed last_login, which reset links sign
    body = {
        "uid": urlsafe_base64_encode(force_bytes(learner.pk)),
        "token": default_token_generator.make_token(learner),
        "new_password": NEW_PASSWORD,
    }

    assert APIClient().post(reverse("api-password-reset-confirm"), body).status_code == 204
    assert_refused(me(pair["access"]), "token_revoked")


def test_logout_everywhere_revokes_every_device_and_a_new_login_works(learner):
    phone, tablet = obtain(learner), obtain(learner)

    response = as_bearer(phone["access"]).post(LOGOUT_EVERYWHERE)

    assert response.status_code == 204
    for device in (phone, tablet):
        assert_refused(me(device["access"]), "token_revoked")
        assert_refused(refresh(device["refresh"]))
    assert me(obtain(learner)["access"]).status_code == 200
    assert AuditEvent.objects.filter(action="logout_everywhere", actor=learner).exists()


def test_logout_everywhere_leaves_other_accounts_signed_in(learner):
    other = UserFactory()
    others = obtain(other)

    as_bearer(obtain(learner)["access"]).post(LOGOUT_EVERYWHERE)

    assert me(others["access"]).status_code == 200
    assert refresh(others["refresh"]).status_code == 200


def test_logout_everywhere_needs_an_access_token(learner):
    assert_refused(APIClient().post(LOGOUT_EVERYWHERE))
    assert_refused(APIClient().post(LOGOUT_EVERYWHERE, HTTP_AUTHORIZATION="Bearer nope"))


def test_logging_out_one_device_leaves_the_others_signed_in(learner):
    phone, tablet = obtain(learner), obtain(learner)

    assert APIClient().post(LOGOUT, {"refresh": phone["refresh"]}).status_code == 204

    assert_refused(refresh(phone["refresh"]))
    assert me(tablet["access"]).status_code == 200
    assert refresh(tablet["refresh"]).status_code == 200


def test_tokens_from_before_the_version_claim_count_as_version_zero(learner):
    claims = claims_of(obtain(learner)["access"])
    del claims["token_version"]
    legacy = signed(claims)

    assert me(legacy).status_code == 200
    as_bearer(obtain(learner)["access"]).post(LOGOUT_EVERYWHERE)
    assert_refused(me(legacy), "token_revoked")


@pytest.mark.django_db(transaction=True)
def test_a_refresh_token_sent_twice_at_once_rotates_once(learner):
    """Two app instances get the same refresh token at once (a retried request): one new
    pair, never two live ones from one token. (Decisive on PostgreSQL: SQLite queues the
    requests' writes, so there the blacklist check alone already refuses the others.)"""
    token = obtain(learner)["refresh"]
    barrier = threading.Barrier(6)
    answers: list[int] = []

    def send() -> None:
        try:
            barrier.wait()
            answers.append(refresh(token).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(answers) == [200, 401, 401, 401, 401, 401]


def test_a_password_staff_set_in_admin_revokes_the_users_tokens(client, learner, staff):
    pair = obtain(learner)
    client.force_login(staff)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[learner.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert_refused(me(pair["access"]), "token_revoked")
    assert me(obtain(learner, NEW_PASSWORD)["access"]).status_code == 200


def test_a_password_changed_with_manage_py_changepassword_revokes_the_users_tokens(
    learner, monkeypatch
):
    pair = obtain(learner)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)

    call_command("changepassword", learner.username, stdout=io.StringIO())

    assert_refused(me(pair["access"]), "token_revoked")
    assert me(obtain(learner, NEW_PASSWORD)["access"]).status_code == 200


def test_checking_the_token_version_costs_no_extra_query(learner, django_assert_num_queries):
    client = as_bearer(obtain(learner)["access"])

    with django_assert_num_queries(1):  # the user, read once for the version and the answer
        assert client.get(ME).status_code == 200
