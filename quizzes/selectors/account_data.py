"""Everything a learner has, for the download of their data, and what deleting it takes.

Quizzes is the app that may read every other (apps import one way: quizzes → decks →
accounts), so the download is put together here from each app's own rows. Every list is a
lazy iterator over `values()`: the download costs the same dozen queries for ten cards as
for a hundred thousand, and no list of model instances is held in memory.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from decks.selectors import (
    EXPORT_CHUNK,
    catalogs_export_rows,
    flashcards_export_rows,
    owned_data_counts,
    shares_export_rows,
    shares_received_export_rows,
)
from quizzes.models import CardProgress, ParameterFit, ReviewLog
from quizzes.selectors.settings import learning_settings

EXPORT_FORMAT = "cerego-export"
EXPORT_VERSION = 1

PROFILE_FIELDS = ("id", "username", "email", "is_admin", "created_at", "updated_at")
PROGRESS_FIELDS = (
    "flashcard_id", "state", "step", "stability", "difficulty", "due", "last_review", "reps",
    "lapses", "streak", "best_streak", "suspended", "is_leech", "created_at", "updated_at",
)  # fmt: skip
REVIEW_FIELDS = (
    "client_review_id", "flashcard_id", "rating", "correct", "response_ms", "reviewed_at",
    "state_before", "state_after", "source", "created_at",
)  # fmt: skip
FIT_FIELDS = (
    "status", "reviews", "targets", "log_loss_default", "log_loss_fitted", "rmse_default",
    "rmse_fitted", "kept", "parameters", "detail", "seconds", "created_at", "fitted_at",
)  # fmt: skip


def _rows(queryset: QuerySet[Any, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The rows, with relations named as in the API: "flashcard": 7, "quiz_type": "typed"."""
    for row in queryset.iterator(chunk_size=EXPORT_CHUNK):
        for field, name in (("flashcard_id", "flashcard"), ("quiz_type__code", "quiz_type")):
            if field in row:
                row[name] = row.pop(field)
        yield row


def _settings(user: User) -> dict[str, Any]:
    values = learning_settings(user)
    return {**values, "preferred_quiz_types": [t.code for t in values["preferred_quiz_types"]]}


def account_export_sections(user: User) -> dict[str, Any]:
    """The download's sections in order: small ones as values, long ones as row iterators
    (each runs its query when first read). Only the learner's own rows: their progress and
    reviews of others' public cards name those cards by id, nothing more of them."""
    progress = CardProgress.objects.filter(user=user).order_by("id")
    reviews = ReviewLog.objects.filter(user=user).order_by("reviewed_at", "id")
    fits = ParameterFit.objects.filter(user=user).order_by("created_at", "id")
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now(),
        "profile": User.objects.filter(pk=user.pk).values(*PROFILE_FIELDS).get(),
        "settings": _settings(user),
        "catalogs": catalogs_export_rows(user),
        "flashcards": flashcards_export_rows(user),
        "shares": shares_export_rows(user),
        "shared_with_me": shares_received_export_rows(user),
        "progress": _rows(progress.values(*PROGRESS_FIELDS)),
        "reviews": _rows(reviews.values(*REVIEW_FIELDS, "quiz_type__code")),
        "parameter_fits": _rows(fits.values(*FIT_FIELDS)),
    }


def account_deletion_summary(user: User) -> dict[str, int]:
    """The counts the confirmation page shows: what goes, and whom it touches."""
    return {
        **owned_data_counts(user),
        "reviews": ReviewLog.objects.filter(user=user).count(),
        "others_studying": CardProgress.objects.filter(flashcard__owner=user)
        .exclude(user=user)
        .values("user")
        .distinct()
        .count(),
    }
