from typing import cast

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import AuditEvent, User
from accounts.services import (
    admin_user_ensure,
    audit_event_record,
    refresh_tokens_revoke,
    tokens_revoke_all,
    user_create,
)
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from cerego import settings as production_settings

pytestmark = pytest.mark.django_db


def test_a_new_password_is_hashed_with_bcrypt_sha256(settings):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS

    user = user_create(username="maria", email="maria@example.com", password="a-long-pass-phrase")

    assert identify_hasher(user.password).algorithm == "bcrypt_sha256"
    assert user.check_password("a-long-pass-phrase")


def test_a_password_over_72_bytes_still_works_with_bcrypt(settings):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    password = "ü" * 60  # 120 bytes: plain bcrypt would refuse or truncate it

    user = user_create(username="maria", email="maria@example.com", password=password)

    assert user.check_password(password)
    assert not user.check_password("ü" * 59)


def test_user_create_refuses_a_weak_password_and_creates_nothing():
    with pytest.raises(ValidationError, match="too common"):
        user_create(username="maria", email="maria@example.com", password="password")
    assert not User.objects.exists()


def test_user_create_refuses_a_username_taken_in_another_case():
    user_create(username="maria", email="maria@example.com", password="a-long-pass-phrase")
    with pytest.raises(ValidationError, match="username already exists"):
        user_create(username="MARIA", email="other@example.com", password="a-long-pass-phrase")


def test_admin_user_ensure_creates_then_updates_the_same_superuser():
    user, created = admin_user_ensure(
        username="root", email="root@example.com", password="first-long-pass-phrase"
    )
    again, created_again = admin_user_ensure(
        username="ROOT", email="new@example.com", password="second-long-pass-phrase"
    )

    assert (created, created_again) == (True, False)
    assert again.pk == user.pk
    again.refresh_from_db()
    assert again.is_admin
    assert again.is_superuser
    assert again.email == "new@example.com"
    assert again.check_password("second-long-pass-phrase")


def test_a_new_admin_password_from_init_db_revokes_the_admins_tokens():
    values = {"username": "root", "email": "root@example.com"}
    admin_user_ensure(**values, password="first-long-pass-phrase")
    same, _ = admin_user_ensure(**values, password="first-long-pass-phrase")
    assert same.token_version == 0  # a restart with the same password keeps them

    changed, _ = admin_user_ensure(**values, password="second-long-pass-phrase")

    assert User.objects.get(pk=changed.pk).token_version == 1


def test_admin_user_ensure_refuses_incomplete_values():
    with pytest.raises(ValidationError, match="must all be set"):
        admin_user_ensure(username="root", email="", password="first-long-pass-phrase")


def test_audit_event_record_keeps_who_what_and_where():
    actor = UserFactory(username="ada")

    event = audit_event_record(
        action="catalog_shared",
        actor=actor,
        target="catalog 7",
        ip="2001:db8::1",
        extra={"with": "bob", "role": "viewer"},
    )

    event.refresh_from_db()
    assert (event.action, event.actor, event.actor_name) == ("catalog_shared", actor, "ada")
    assert (event.target, event.ip_address) == ("catalog 7", "2001:db8::1")
    assert event.extra == {"with": "bob", "role": "viewer"}
    assert event.created_at is not None


def test_an_audit_event_outlives_its_actor():
    actor = UserFactory(username="ada")
    event = audit_event_record(action=AuditEvent.Action.LOGIN, actor=actor)

    actor.delete()

    event.refresh_from_db()
    assert (event.actor, event.actor_name) == (None, "ada")


def test_authenticate_accepts_a_username_or_an_email_in_any_case(rf):
    user = UserFactory(username="Ada", email="ada@example.com")
    request = rf.post("/login/")

    assert authenticate(request, username="ada", password=DEFAULT_PASSWORD) == user
    assert authenticate(request, username="ADA@example.COM", password=DEFAULT_PASSWORD) == user
    assert authenticate(request, username="ada", password="wrong") is None
    assert authenticate(request, username="nobody", password=DEFAULT_PASSWORD) is None


def test_a_username_match_wins_over_another_users_email(rf):
    by_name = UserFactory(username="bob@example.com", email="robert@example.com")
    UserFactory(username="bobby", email="bob@example.com")

    assert authenticate(rf.post("/"), username="bob@example.com", password=DEFAULT_PASSWORD) == (
        by_name
    )


def test_user_create_reports_every_problem_under_its_field():
    UserFactory(username="taken", email="taken@example.com")

    with pytest.raises(ValidationError) as error:
        user_create(username="TAKEN", email="Taken@Example.com", password="123")

    assert set(error.value.message_dict) == {"username", "email", "password"}


def test_refresh_tokens_revoke_blacklists_only_this_users_tokens():
    ada, bob = cast(User, UserFactory()), cast(User, UserFactory())
    for user in (ada, ada, bob):
        RefreshToken.for_user(user)

    assert refresh_tokens_revoke(user=ada) == 2
    assert refresh_tokens_revoke(user=ada) == 0
    assert BlacklistedToken.objects.filter(token__user=bob).count() == 0


def test_tokens_revoke_all_bumps_the_version_and_blacklists_only_this_users_tokens():
    ada, bob = cast(User, UserFactory()), cast(User, UserFactory())
    for user in (ada, ada, bob):
        RefreshToken.for_user(user)

    tokens_revoke_all(user=ada)
    tokens_revoke_all(user=ada)

    assert ada.token_version == 2  # the instance in hand is up to date, not only the row
    assert User.objects.get(pk=ada.pk).token_version == 2
    assert User.objects.get(pk=bob.pk).token_version == 0
    assert BlacklistedToken.objects.filter(token__user=ada).count() == 2
    assert BlacklistedToken.objects.filter(token__user=bob).count() == 0


def test_the_test_clients_login_still_works_with_the_lockout(client):
    user = UserFactory()

    assert client.login(username=user.username, password=DEFAULT_PASSWORD)
