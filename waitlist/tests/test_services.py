from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.tests.factories import UserFactory
from waitlist.models import WaitlistEntry, invite_token_hash
from waitlist.services import (
    normalize_waitlist_email,
    waitlist_entry_add,
    waitlist_entry_approve,
    waitlist_entry_join,
    waitlist_entry_reject,
    waitlist_invite_redeem,
)
from waitlist.tests.factories import WaitlistEntryFactory
from waitlist.tests.helpers import invite_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def approve(staff, mailoutbox, django_capture_on_commit_callbacks):
    """Approve an entry as staff and return the invite token from the mail it sends."""

    def approve_entry(entry):
        with django_capture_on_commit_callbacks(execute=True):
            waitlist_entry_approve(entry=entry, actor=staff, ip="203.0.113.9")
        return invite_token(mailoutbox[-1])

    return approve_entry


def test_emails_are_trimmed_and_their_domain_lower_cased():
    assert normalize_waitlist_email("  Ada.Lovelace@Example.COM \n") == "Ada.Lovelace@example.com"


def test_joining_queues_the_request_and_the_task_adds_the_entry(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as queued:
        waitlist_entry_join(email=" Ada@Example.com ", name=" Ada ")
    assert not WaitlistEntry.objects.exists()  # nothing looked up or written yet

    for callback in queued:
        callback()

    assert WaitlistEntry.objects.get().email == "Ada@example.com"


def test_adding_puts_the_normalised_email_in_the_queue_in_order():
    waitlist_entry_add(email=" first@Example.com ", name=" First ")
    waitlist_entry_add(email="second@example.com", note="Spanish verbs")

    entries = list(WaitlistEntry.objects.all())
    assert [(e.email, e.name, e.position) for e in entries] == [
        ("first@example.com", "First", 1),
        ("second@example.com", "", 2),
    ]
    assert entries[0].status == WaitlistEntry.Status.PENDING


def test_adding_again_in_another_case_changes_nothing():
    waitlist_entry_add(email="ada@example.com", name="Ada")
    assert waitlist_entry_add(email="ADA@EXAMPLE.COM", name="Someone else") is None

    assert list(WaitlistEntry.objects.values_list("email", "name")) == [("ada@example.com", "Ada")]


def test_adding_the_email_of_an_account_adds_nobody():
    UserFactory(email="member@example.com")

    assert waitlist_entry_add(email="Member@example.com") is None

    assert not WaitlistEntry.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 10_000 + "@example.com"}, "email"),
        ({"email": "ok@example.com", "name": "n" * 10_000}, "name"),
        ({"email": "ok@example.com", "note": "n" * 10_000}, "note"),
    ],
)
def test_bad_join_input_is_refused_field_by_field(fields, field):
    with pytest.raises(ValidationError) as error:
        waitlist_entry_join(**fields)

    assert field in error.value.message_dict
    assert not WaitlistEntry.objects.exists()


def test_approval_mails_an_invite_link_and_stores_only_the_token_hash(
    staff, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://cerego.example"
    entry = WaitlistEntryFactory(email="ada@example.com")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        waitlist_entry_approve(entry=entry, actor=staff)

    assert len(callbacks) == 1, "the mail waits for the decision to be committed"
    [mail] = mailoutbox
    assert mail.to == ["ada@example.com"]
    token = invite_token(mail)
    assert "https://cerego.example/register/?token=" in mail.body
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.APPROVED
    assert entry.decided_by == staff
    assert entry.decided_at is not None
    assert entry.invite_token_hash == invite_token_hash(token)
    assert token not in str(WaitlistEntry.objects.values().get())
    assert entry.invite_expires_at - timezone.now() > timedelta(days=13, hours=23)


def test_invite_expiry_follows_the_setting(approve, settings):
    settings.WAITLIST_INVITE_EXPIRE_DAYS = 3
    entry = WaitlistEntryFactory()

    approve(entry)

    entry.refresh_from_db()
    assert timedelta(days=2, hours=23) < entry.invite_expires_at - timezone.now() <= timedelta(3)


def test_no_mail_is_sent_when_the_approval_is_rolled_back(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    entry = WaitlistEntryFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        waitlist_entry_approve(entry=entry, actor=staff)

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_re_approving_sends_a_fresh_token_and_kills_the_old_one(approve):
    entry = WaitlistEntryFactory(email="ada@example.com")
    old = approve(entry)
    new = approve(entry)

    assert new != old
    with pytest.raises(ValidationError, match="not valid"):
        waitlist_invite_redeem(token=old, email="ada@example.com")
    assert waitlist_invite_redeem(token=new, email="ada@example.com").pk == entry.pk


def test_an_invite_works_once(approve):
    entry = WaitlistEntryFactory(email="ada@example.com")
    token = approve(entry)

    waitlist_invite_redeem(token=token, email="ADA@example.com")
    with pytest.raises(ValidationError, match="already been used"):
        waitlist_invite_redeem(token=token, email="ada@example.com")

    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.REGISTERED
    assert entry.invite_used_at is not None


def test_an_expired_invite_is_refused(approve):
    entry = WaitlistEntryFactory(email="ada@example.com")
    token = approve(entry)
    WaitlistEntry.objects.filter(pk=entry.pk).update(
        invite_expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(ValidationError, match="expired"):
        waitlist_invite_redeem(token=token, email="ada@example.com")


def test_an_invite_is_for_its_own_email_only(approve):
    token = approve(WaitlistEntryFactory(email="ada@example.com"))

    with pytest.raises(ValidationError) as error:
        waitlist_invite_redeem(token=token, email="eve@example.com")

    assert "email" in error.value.message_dict


@pytest.mark.parametrize("token", ["", "unknown-token", "x" * 10_000])
def test_unknown_tokens_are_refused(token):
    with pytest.raises(ValidationError) as error:
        waitlist_invite_redeem(token=token, email="ada@example.com")

    assert "invite_token" in error.value.message_dict


def test_rejecting_kills_an_outstanding_invite(approve, staff):
    entry = WaitlistEntryFactory(email="ada@example.com")
    token = approve(entry)

    waitlist_entry_reject(entry=entry, actor=staff)

    with pytest.raises(ValidationError, match="not valid"):
        waitlist_invite_redeem(token=token, email="ada@example.com")


def test_a_registered_entry_cannot_be_decided_again(staff):
    entry = WaitlistEntryFactory(status=WaitlistEntry.Status.REGISTERED)

    with pytest.raises(ValidationError, match="already registered"):
        waitlist_entry_reject(entry=entry, actor=staff)


def test_decisions_are_audited_with_who_and_where(approve, staff):
    entry = WaitlistEntryFactory(email="ada@example.com")
    approve(entry)
    waitlist_entry_reject(entry=entry, actor=staff, ip="198.51.100.4")

    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor", "ip_address"))
    assert events == [
        ("waitlist_approved", staff.pk, "203.0.113.9"),
        ("waitlist_rejected", staff.pk, "198.51.100.4"),
    ]
    assert "ada@example.com" in AuditEvent.objects.earliest("id").target
