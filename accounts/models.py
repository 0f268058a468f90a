import zoneinfo
from functools import cache
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.functions import Lower

DESIRED_RETENTION_MIN = 0.70
DESIRED_RETENTION_MAX = 0.97
DAILY_LIMIT_MAX = 9999


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
        # Every user has learning settings from the start; nothing reads a missing row.
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
    """A learner's study preferences; one row per user."""

    class Theme(models.TextChoices):
        SYSTEM = "system", "Follow the system"
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="settings")
    desired_retention = models.FloatField(
        default=0.90,
        validators=[
            MinValueValidator(DESIRED_RETENTION_MIN),
            MaxValueValidator(DESIRED_RETENTION_MAX),
        ],
        help_text="The recall probability the scheduler aims for (0.70-0.97).",
    )
    daily_new_limit = models.PositiveIntegerField(
        default=20, validators=[MaxValueValidator(DAILY_LIMIT_MAX)]
    )
    daily_review_limit = models.PositiveIntegerField(
        default=200, validators=[MaxValueValidator(DAILY_LIMIT_MAX)]
    )
    preferred_quiz_types = models.ManyToManyField("quizzes.QuizType", blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    day_rollover_hour = models.PositiveSmallIntegerField(
        default=4,
        validators=[MaxValueValidator(23)],
        help_text="The hour (in the learner's time zone) at which a new study day starts.",
    )
    theme = models.CharField(max_length=8, choices=Theme, default=Theme.SYSTEM)
    fsrs_parameters = models.JSONField(
        null=True, blank=True, help_text="Personalised FSRS weights; null until optimised."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "user settings"
        verbose_name_plural = "user settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    desired_retention__gte=DESIRED_RETENTION_MIN,
                    desired_retention__lte=DESIRED_RETENTION_MAX,
                ),
                name="accounts_usersettings_retention_range",
            ),
            models.CheckConstraint(
                condition=models.Q(day_rollover_hour__lte=23),
                name="accounts_usersettings_rollover_hour_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    daily_new_limit__lte=DAILY_LIMIT_MAX, daily_review_limit__lte=DAILY_LIMIT_MAX
                ),
                name="accounts_usersettings_daily_limits_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Settings of {self.user}"


# What a learner sets on the settings page and through the API; the FSRS parameters are
# fitted from their reviews, never typed.
USER_SETTINGS_EDITABLE = [
    "desired_retention",
    "daily_new_limit",
    "daily_review_limit",
    "preferred_quiz_types",
    "time_zone",
    "day_rollover_hour",
    "theme",
]


class AuditEvent(models.Model):
    """One security-relevant event: who did what to what, when, from where."""

    class Action(models.TextChoices):
        LOGIN = "login", "Logged in"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOCKOUT = "lockout", "Locked out"
        LOGOUT = "logout", "Logged out"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
        PASSWORD_RESET = "password_reset", "Password reset"
        REGISTERED = "registered", "Registered"
        WAITLIST_APPROVED = "waitlist_approved", "Waitlist entry approved"
        WAITLIST_REJECTED = "waitlist_rejected", "Waitlist entry rejected"

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
