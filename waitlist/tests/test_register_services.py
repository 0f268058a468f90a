import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, User
from waitlist.models import WaitlistEntry
from waitlist.services import user_register
from waitlist.tests.factories import WaitlistEntryFactory

pytestmark = pytest.mark.django_db


def test_register_without_waitlist_needs_no_invite(settings):
    settings.WAITLIST_ENABLED = False
    WaitlistEntryFactory(email="Walkin@example.com")

    user = user_register(
        username="walkin", email=" walkin@example.com ", password="long-pass-phrase"
    )

    assert user.email == "walkin@example.com"
    assert AuditEvent.objects.filter(action="registered", actor=user).count() == 1
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.REGISTERED


def test_register_with_the_waitlist_on_needs_an_invite():
    with pytest.raises(ValidationError) as error:
        user_register(username="walkin", email="walkin@example.com", password="long-pass-phrase")

    assert "invite_token" in error.value.message_dict
    assert not User.objects.exists()
