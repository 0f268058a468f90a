import logging
from functools import partial
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.lockout import account_lockout_key
from accounts.models import AuditEvent, User, UserSettings
from accounts.selectors import users_with_email
from accounts.tasks import password_reset_mails_send

INVALID_RESET_LINK = "This password reset link is invalid or has expired; ask for a new one."


def audit_event_record(
    *,
    action: str,
    actor: User | None = None,
    actor_name: str = "",
    target: str = "",
    ip: str | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one line of the audit trail; every security-relevant change calls this.

    `actor` is the signed-in user who acted (None for anonymous requests); `actor_name`
    records the name tried when there is no user (a failed login). `target` describes
    what was acted on in a few words ("waitlist entry 12 <a@b.c>", "catalog 7").
    """
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_name=(actor_name or (actor.username if actor else ""))[:254],
        target=target[:255],
        ip_address=ip,
        extra=extra or {},
    )


def _taken(*, username: str, email: str, exclude_pk: int | None = None) -> dict[str, str]:
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    taken = {}
    if others.filter(username__iexact=username).exists():
        taken["username"] = "A user with that username already exists."
    if others.filter(email__iexact=email).exists():
        taken["email"] = "A user with that email already exists."
    return taken


@transaction.atomic
def user_create(*, username: str, email: str, password: str, is_admin: bool = False) -> User:
    """Create a user with their settings, after Django's password validators pass.

    Every problem is reported at once, each under its field (username, email, password).
    """
    candidate = User(username=username, email=User.objects.normalize_email(email))
    errors: dict[str, list[str]] = {}
    try:
        candidate.full_clean(
            exclude=["password"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as error:
        errors["password"] = error.messages
    for field, message in _taken(username=username, email=candidate.email).items():
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            if is_admin:
                return User.objects.create_superuser(username, email, password)
            return User.objects.create_user(username, email, password)
    except IntegrityError as error:
        # Two sign-ups raced for the same name; the database constraint had the last word.
        raise ValidationError("A user with that username or email already exists.") from error


@transaction.atomic
def user_update(*, user: User, username: str | None = None, email: str | None = None) -> User:
    """Change a user's profile; names and emails stay unique regardless of case."""
    if username is not None:
        user.username = username.strip()
    if email is not None:
        user.email = User.objects.normalize_email(email.strip())
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    for field, message in _taken(
        username=user.username, email=user.email, exclude_pk=user.pk
    ).items():
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)
    user.save(update_fields=["username", "email", "updated_at"])
    return user


@transaction.atomic
def user_settings_update(*, user_settings: UserSettings, **fields: Any) -> UserSettings:
    """Change a person's site settings (time zone, theme)."""
    for name, value in fields.items():
        setattr(user_settings, name, value)
    user_settings.full_clean(exclude=["user"])
    user_settings.save()
    return user_settings


def refresh_tokens_revoke(*, user: User) -> int:
    """Blacklist every refresh token the user still holds: other devices must log in again."""
    outstanding = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )
    return len(created)


@transaction.atomic
def tokens_revoke_all(*, user: User) -> None:
    """Make every API token of the user stop working now, access tokens included.

    Bumps the token version every token carries (the authentication refuses any other)
    and blacklists the outstanding refresh tokens. Web sessions are not touched.
    """
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user.refresh_from_db(fields=["token_version"])
    refresh_tokens_revoke(user=user)


@transaction.atomic
def user_logout_everywhere(*, user: User, ip: str | None) -> None:
    """Sign the user's API clients out on every device."""
    tokens_revoke_all(user=user)
    audit_event_record(
        action=AuditEvent.Action.LOGOUT_EVERYWHERE,
        actor=user,
        target=f"user {user.pk}",
        ip=ip,
        extra={"via": "api"},
    )


@transaction.atomic
def user_password_set(
    *, user: User, password: str, action: str = AuditEvent.Action.PASSWORD_CHANGED, ip: str | None
) -> User:
    """Set a new password (validated), revoke the user's API tokens and record it."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from error
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    tokens_revoke_all(user=user)
    audit_event_record(action=action, actor=user, target=f"user {user.pk}", ip=ip)
    return user


@transaction.atomic
def user_password_reset(*, user: User, password: str, ip: str | None) -> User:
    """Set the password from a reset link, and lift any lockout of the account.

    The link proves the person holds the account's mailbox, and the lockout page sends
    them to the reset for exactly this: they can log in at once, not after the cool-off.
    """
    user = user_password_set(
        user=user, password=password, action=AuditEvent.Action.PASSWORD_RESET, ip=ip
    )
    axes_reset(username=account_lockout_key(user))
    return user


@transaction.atomic
def user_password_change(
    *, user: User, old_password: str, new_password: str, ip: str | None
) -> User:
    if not user.check_password(old_password):
        raise ValidationError(
            {"old_password": "Your old password was entered incorrectly."},
            code="password_incorrect",
        )
    return user_password_set(user=user, password=new_password, ip=ip)


def password_reset_request(*, email: str, ip: str | None) -> None:
    """Queue the work of a reset request; nothing here depends on whether the email is known.

    Whether any account uses the email is looked up by the task, in the worker: the answer
    ("if an account uses this email…") then takes the same time and the same queries for
    known and unknown emails, and nobody learns which emails have accounts.
    """
    transaction.on_commit(partial(password_reset_mails_send.enqueue, email=email, ip=ip))


@transaction.atomic
def password_reset_recipients_record(*, email: str, ip: str | None) -> list[User]:
    """The active accounts with this email that can reset a password, each request audited."""
    recipients = [user for user in users_with_email(email) if user.has_usable_password()]
    for user in recipients:
        audit_event_record(
            action=AuditEvent.Action.PASSWORD_RESET_REQUESTED,
            target=f"user {user.pk}",
            actor_name=user.username,
            ip=ip,
        )
    return recipients


def password_reset_user(*, uidb64: str, token: str) -> User | None:
    """The user a reset link is for, or None when the link is invalid or expired."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None


@transaction.atomic
def password_reset_confirm(*, uidb64: str, token: str, new_password: str, ip: str | None) -> User:
    user = password_reset_user(uidb64=uidb64, token=token)
    if user is None:
        raise ValidationError({"token": INVALID_RESET_LINK}, code="invalid_reset_link")
    return user_password_reset(user=user, password=new_password, ip=ip)


@transaction.atomic
def admin_user_ensure(*, username: str, email: str, password: str) -> tuple[User, bool]:
    """Create the configured superuser, or bring an existing one up to date.

    Returns the user and whether it was created. The password must pass the validators
    either way: a weak admin password is refused, not stored.
    """
    if not (username and email and password):
        raise ValidationError(
            "ADMIN_USERNAME, ADMIN_EMAIL and ADMIN_PASSWORD must all be set to create the admin."
        )
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        return user_create(username=username, email=email, password=password, is_admin=True), True
    user.email = User.objects.normalize_email(email)
    password_validation.validate_password(password, user=user)
    user.validate_constraints()
    # init_db runs at every start: only a new password signs the admin's API clients out.
    password_changed = not user.check_password(password)
    user.set_password(password)
    user.is_admin = user.is_superuser = user.is_active = True
    user.save()
    if password_changed:
        tokens_revoke_all(user=user)
    return user, False


# --- The learner's own data: re-asking the password, deleting the account --------------
# (The download itself is assembled in quizzes, the app that can read every other.)

logger = logging.getLogger(__name__)

PASSWORD_INCORRECT = "Your password was entered incorrectly."  # noqa: S105 (a message)


def user_password_confirm(*, user: User, password: str) -> None:
    """Refuse, on the `password` field, unless `password` is the user's: asked again before
    a download of everything or the deletion of the account."""
    if not user.check_password(password):
        raise ValidationError({"password": PASSWORD_INCORRECT}, code="password_incorrect")


@transaction.atomic
def user_delete(*, user: User, password: str, ip: str | None) -> None:
    """Delete the account and everything it owns, once the password is given again.

    Goes: the user's settings, catalogs (public ones too, with others' progress on their
    cards), cards, shares given and received, progress, reviews, quizzes, parameter fits,
    imports and tokens — every row that points at the user cascades. Stays: catalogs others
    copied (a copy is the copier's catalog of the copier's cards) and the audit trail, which
    keeps the username at the time but no longer points at the user.
    """
    user_password_confirm(user=user, password=password)
    user_id = user.pk
    audit_event_record(
        action=AuditEvent.Action.ACCOUNT_DELETED, actor=user, target=f"user {user_id}", ip=ip
    )
    refresh_tokens_revoke(user=user)
    user.delete()
    logger.info("account deleted", extra={"user_id": user_id})
