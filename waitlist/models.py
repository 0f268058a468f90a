import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

NAME_MAX_LENGTH = 150
NOTE_MAX_LENGTH = 1000
# Longer than any token we mint: a longer one is refused before it is hashed.
INVITE_TOKEN_MAX_LENGTH = 128


def invite_token_hash(token: str) -> str:
    """Invite tokens are random and long, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


class WaitlistEntry(models.Model):
    """Someone who asked to join; staff approve (an invite is mailed) or reject them."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REGISTERED = "registered", "Registered"
        REJECTED = "rejected", "Rejected"

    email = models.EmailField(max_length=254, help_text="Unique regardless of case.")
    name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    position = models.PositiveIntegerField(help_text="Place in the queue, in order of joining.")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waitlist_decisions",
    )
    invite_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    invite_expires_at = models.DateTimeField(null=True, blank=True)
    invite_sent_at = models.DateTimeField(null=True, blank=True)
    invite_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "waitlist entries"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="waitlist_entry_email_ci_unique",
                violation_error_message="This email is already on the waitlist.",
            ),
            models.UniqueConstraint(
                fields=["invite_token_hash"],
                condition=~models.Q(invite_token_hash=""),
                name="waitlist_entry_invite_token_hash_unique",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_status_display()})"

    @property
    def invite_is_usable(self) -> bool:
        return (
            self.status == self.Status.APPROVED
            and bool(self.invite_token_hash)
            and self.invite_used_at is None
            and self.invite_expires_at is not None
            and self.invite_expires_at > timezone.now()
        )
