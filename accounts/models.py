import zoneinfo
from functools import cache
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower

# A password longer than this is refused before hashing (a cheap guard against slow hashes
# of megabyte strings); forms and serializers both read it from here.
PASSWORD_MAX_LENGTH = 4096


@cache
def _time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _time_zone_names():
        raise ValidationError(
            "%(value)s is not a known time zone; use an IANA name such as Europe/Paris.",
            code="invalid_time_zone",
            params={"value": value[:64]},
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @transaction.atomic
    def _create_user(self, username: str, email: str, password: str | None, **extra: Any) -> "User":
        user = self.model(username=username, email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
        user.save(using=self._db)
        # Every user has settings from the start; nothing reads a missing row.
        UserSettings.objects.create(user=user)
        return user

    def create_user(
        self, username: str, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_admin", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(username, email, password, **extra)

    def create_superuser(
        self, username: str, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.update(is_admin=True, is_superuser=True)
        return self._create_user(username, email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(username__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using Cerego. `is_admin` is the staff role: it opens Django admin."""

    username = models.CharField(
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        help_text="Letters, digits and @/./+/-/_ only; unique regardless of case.",
    )
    email = models.EmailField(max_length=254, help_text="Unique regardless of case.")
    is_admin = models.BooleanField(default=False, help_text="Staff: may use Django admin.")
    is_active = models.BooleanField(default=True)
    # Signed into every API token; bumping it (a password change, logging out everywhere)
    # makes every token issued before refused at once, not only when it expires.
    token_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message="A user with that username already exists.",
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="A user with that email already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def is_staff(self) -> bool:
        return self.is_admin


class UserSettings(models.Model):
    """A person's preferences about the site itself; one row per user.

    What the scheduler reads (retention, limits, quiz types…) lives with it, in
    `quizzes.StudySettings`; the settings page and API show both as one resource.
    """

    class Theme(models.TextChoices):
        SYSTEM = "system", "Follow the system"
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="settings")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    theme = models.CharField(max_length=8, choices=Theme, default=Theme.SYSTEM)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "user settings"
        verbose_name_plural = "user settings"

    def __str__(self) -> str:
        return f"Settings of {self.user}"


# What a person sets about the site on the settings page and through the API.
USER_SETTINGS_EDITABLE = ["time_zone", "theme"]


class AuditEvent(models.Model):
    """One security-relevant event: who did what to what, when, from where."""

    class Action(models.TextChoices):
        LOGIN = "login", "Logged in"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOCKOUT = "lockout", "Locked out"
        LOGOUT = "logout", "Logged out"
        LOGOUT_EVERYWHERE = "logout_everywhere", "Logged out everywhere"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
        PASSWORD_RESET = "password_reset", "Password reset"
        REGISTERED = "registered", "Registered"
        WAITLIST_APPROVED = "waitlist_approved", "Waitlist entry approved"
        WAITLIST_REJECTED = "waitlist_rejected", "Waitlist entry rejected"
        DATA_EXPORTED = "data_exported", "Data downloaded"
        ACCOUNT_DELETED = "account_deleted", "Account deleted"

    # Free text, not choices: other apps record their own actions (sharing, deletions).
    action = models.CharField(max_length=64, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    # The actor's name at the time, kept when the user is deleted or never existed.
    actor_name = models.CharField(max_length=254, blank=True)
    target = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.action} by {self.actor_name or 'anonymous'} at {self.created_at:%Y-%m-%d %H:%M}"
        )
