import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.services import audit_event_record, user_create
from waitlist.models import (
    INVITE_TOKEN_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    WaitlistEntry,
    invite_token_hash,
)
from waitlist.tasks import invite_mail_send, waitlist_join_process

EMAIL_MAX_LENGTH = 254
# The one answer to every join, whatever happened: nobody learns who is waiting or registered.
JOINED_MESSAGE = (
    "Thanks! If this email is new to us it is now on the waitlist; "
    "we will mail an invite when a place opens."
)
INVALID_INVITE = "This invite link is not valid. Use the link from your invite mail."


def normalize_waitlist_email(email: str) -> str:
    """Trimmed, domain lower-cased: the form in which an email is unique on the waitlist."""
    local, at, domain = email.strip().rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else email.strip()


def _join_errors(email: str, name: str, note: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(email) > EMAIL_MAX_LENGTH:
        errors["email"] = [f"Use at most {EMAIL_MAX_LENGTH} characters."]
    else:
        try:
            validate_email(email)
        except ValidationError as error:
            errors["email"] = error.messages
    if len(name) > NAME_MAX_LENGTH:
        errors["name"] = [f"Use at most {NAME_MAX_LENGTH} characters."]
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [f"Use at most {NOTE_MAX_LENGTH} characters."]
    return errors


def waitlist_entry_join(*, email: str, name: str = "", note: str = "") -> None:
    """Check a join request and queue it; whether the email is known is looked up later.

    Returns nothing on purpose: callers must answer the same whatever happens, so nobody
    can find out who is waiting or registered. The lookup and the write happen in a task
    (`waitlist_entry_add`, in the worker), so the answer also takes the same time and the
    same queries for a new email as for a known one.
    """
    email, name, note = normalize_waitlist_email(email), name.strip(), note.strip()
    errors = _join_errors(email, name, note)
    if errors:
        raise ValidationError(errors)
    transaction.on_commit(partial(waitlist_join_process.enqueue, email=email, name=name, note=note))


@transaction.atomic
def waitlist_entry_add(*, email: str, name: str = "", note: str = "") -> WaitlistEntry | None:
    """Put an email on the waitlist, unless it is already there or already has an account.

    The new entry, or None when there was nothing to add.
    """
    email, name, note = normalize_waitlist_email(email), name.strip(), note.strip()
    errors = _join_errors(email, name, note)
    if errors:
        raise ValidationError(errors)
    if (
        WaitlistEntry.objects.filter(email__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        return None
    position = (WaitlistEntry.objects.aggregate(last=Max("position"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(
                email=email, name=name, note=note, position=position
            )
    except IntegrityError:
        return None  # the same email joined a moment ago from another request


def _decide(
    entry: WaitlistEntry, status: str, actor: User, action: str, ip: str | None
) -> WaitlistEntry:
    if entry.status == WaitlistEntry.Status.REGISTERED:
        raise ValidationError(f"{entry.email} has already registered; there is nothing to decide.")
    entry.status = status
    entry.decided_at = timezone.now()
    entry.decided_by = actor
    # A new decision always kills the previous invite.
    entry.invite_token_hash = ""
    entry.invite_expires_at = None
    entry.save()
    audit_event_record(
        action=action, actor=actor, target=f"waitlist entry {entry.pk} <{entry.email}>", ip=ip
    )
    return entry


@transaction.atomic
def waitlist_entry_approve(
    *, entry: WaitlistEntry, actor: User, ip: str | None = None
) -> WaitlistEntry:
    """Approve an entry and mail a fresh invite once the decision is committed.

    Approving again sends a new invite; the old link stops working at once.
    """
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    _decide(entry, WaitlistEntry.Status.APPROVED, actor, AuditEvent.Action.WAITLIST_APPROVED, ip)
    transaction.on_commit(lambda: invite_mail_send.enqueue(entry_id=entry.pk))
    return entry


@transaction.atomic
def waitlist_entry_reject(
    *, entry: WaitlistEntry, actor: User, ip: str | None = None
) -> WaitlistEntry:
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    return _decide(
        entry, WaitlistEntry.Status.REJECTED, actor, AuditEvent.Action.WAITLIST_REJECTED, ip
    )


@transaction.atomic
def waitlist_invite_issue(*, entry_id: int) -> tuple[WaitlistEntry, str] | None:
    """Mint the invite token for an approved entry; only its hash is stored.

    The token is made here, in the mailing task, so it never sits in plain text in the
    task queue. None when the entry is gone or no longer approved.
    """
    entry = (
        WaitlistEntry.objects.select_for_update()
        .filter(pk=entry_id, status=WaitlistEntry.Status.APPROVED)
        .first()
    )
    if entry is None:
        return None
    token = secrets.token_urlsafe(32)
    entry.invite_token_hash = invite_token_hash(token)
    entry.invite_expires_at = timezone.now() + timedelta(days=settings.WAITLIST_INVITE_EXPIRE_DAYS)
    entry.invite_sent_at = timezone.now()
    entry.invite_used_at = None
    entry.save()
    return entry, token


def waitlist_entry_registered_mark(*, email: str) -> int:
    """Close the entry of someone who registered without an invite; any invite dies."""
    return (
        WaitlistEntry.objects.filter(email__iexact=email)
        .exclude(status=WaitlistEntry.Status.REGISTERED)
        .update(
            status=WaitlistEntry.Status.REGISTERED, invite_token_hash="", invite_expires_at=None
        )
    )


@transaction.atomic
def waitlist_invite_redeem(*, token: str, email: str) -> WaitlistEntry:
    """Spend an invite for a registration with this email, or say why it cannot be used."""
    if not token:
        raise ValidationError(
            {"invite_token": "Registration is by invitation: use the link from your invite mail."}
        )
    entry = None
    if len(token) <= INVITE_TOKEN_MAX_LENGTH:
        entry = (
            WaitlistEntry.objects.select_for_update()
            .filter(invite_token_hash=invite_token_hash(token))
            .first()
        )
    if entry is None or entry.status not in (
        WaitlistEntry.Status.APPROVED,
        WaitlistEntry.Status.REGISTERED,
    ):
        raise ValidationError({"invite_token": INVALID_INVITE}, code="invalid_invite")
    if entry.invite_used_at is not None:
        raise ValidationError({"invite_token": "This invite has already been used."}, code="used")
    if entry.invite_expires_at is None or entry.invite_expires_at <= timezone.now():
        raise ValidationError(
            {"invite_token": "This invite has expired; ask us for a new one."}, code="expired"
        )
    if entry.email.lower() != email.strip().lower():
        raise ValidationError({"email": "Use the email address the invite was sent to."})
    entry.status = WaitlistEntry.Status.REGISTERED
    entry.invite_used_at = timezone.now()
    entry.save()
    return entry


@transaction.atomic
def user_register(
    *, username: str, email: str, password: str, invite_token: str = "", ip: str | None = None
) -> User:
    """Register a new learner, with a valid invite unless the waitlist is switched off.

    The invite is locked and spent in the same transaction that creates the user: two
    registrations racing with one invite leave one user, never two, never half of one.
    """
    email = User.objects.normalize_email(email.strip())
    entry = None
    if settings.WAITLIST_ENABLED:
        entry = waitlist_invite_redeem(token=invite_token, email=email)
    user = user_create(username=username.strip(), email=email, password=password)
    if entry is None:
        # Registered without an invite (waitlist off): staff need not decide on them any more.
        waitlist_entry_registered_mark(email=email)
    audit_event_record(
        action=AuditEvent.Action.REGISTERED,
        actor=user,
        target=f"user {user.pk}",
        ip=ip,
        extra={"waitlist_entry": entry.pk} if entry else {},
    )
    return user
