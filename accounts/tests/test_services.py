import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.services import admin_user_ensure, user_create
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


def test_admin_user_ensure_refuses_incomplete_values():
    with pytest.raises(ValidationError, match="must all be set"):
        admin_user_ensure(username="root", email="", password="first-long-pass-phrase")
