import pytest
from django.db import IntegrityError, transaction

from accounts.models import User, UserSettings
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_username_is_unique_regardless_of_case_in_the_database():
    UserFactory(username="Maria")
    with pytest.raises(IntegrityError), transaction.atomic():
        # bulk_create skips model validation: only the database constraint can refuse it.
        User.objects.bulk_create([User(username="mARIA", email="other@example.com")])


def test_email_is_unique_regardless_of_case_in_the_database():
    UserFactory(email="maria@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username="other", email="MARIA@Example.COM")])


def test_every_new_user_has_default_site_settings():
    user = UserFactory()

    settings = UserSettings.objects.get(user=user)
    assert settings.time_zone == "UTC"
    assert settings.theme == UserSettings.Theme.SYSTEM


def test_admin_role_opens_django_admin():
    assert UserFactory(is_admin=True).is_staff
    assert not UserFactory().is_staff
