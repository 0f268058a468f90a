"""Offline sync: reviews a mobile client made without a connection, replayed in time order."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from decks.selectors import flashcards_visible_to
from quizzes import memory
from quizzes.models import QuizType, Rating, ReviewLog
from quizzes.selectors.settings import study_settings_of
from quizzes.selectors.study import strength_of
from quizzes.services.reviews import review_record


@dataclass(frozen=True)
class SyncItem:
    client_review_id: uuid.UUID
    flashcard_id: int
    rating: int
    reviewed_at: datetime
    response_ms: int | None = None
    quiz_type: str | None = None


def _refusal(item: SyncItem, known: dict[int, datetime], types: dict, now: datetime) -> str | None:
    """Why this item cannot be applied, or None."""
    if item.rating not in Rating.values:
        return "The rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)."
    if timezone.is_naive(item.reviewed_at):
        return "reviewed_at needs a time zone (for example 2026-05-01T08:30:00Z)."
    if item.reviewed_at > now + settings.SYNC_CLOCK_SKEW:
        return "reviewed_at is in the future; check the device's clock."
    if item.flashcard_id not in known:
        return "No such flashcard among the cards you can study."
    if item.reviewed_at < known[item.flashcard_id] - settings.SYNC_CLOCK_SKEW:
        return "reviewed_at is before the card existed."
    if item.quiz_type is not None and item.quiz_type not in types:
        return "Unknown quiz type."
    return None


def reviews_sync(*, user: User, items: list[SyncItem], now: datetime | None = None) -> list[dict]:
    """Apply a batch of offline reviews, each in its own transaction, oldest first.

    Answers one result per item, in the order sent: `applied`, `duplicate` (its
    client_review_id is already recorded: nothing changed) or `rejected` with the reason.
    A review older than the card's last one is slotted into its history and the card is
    replayed, so batches from several devices end in the state of one ordered history.
    """
    if not items:
        raise ValidationError({"reviews": ["Send at least one review."]})
    if len(items) > settings.SYNC_BATCH_MAX:
        raise ValidationError(
            {"reviews": [f"Send at most {settings.SYNC_BATCH_MAX} reviews per request."]}
        )
    now = now or timezone.now()
    known = dict(
        flashcards_visible_to(user)
        .filter(pk__in={item.flashcard_id for item in items})
        .values_list("pk", "created_at")
    )
    types = {quiz_type.code: quiz_type for quiz_type in QuizType.objects.all()}
    study_settings = study_settings_of(user)  # read once, for every item
    decay = memory.decay_of(memory.parameters_of(study_settings))
    results: dict[int, dict[str, Any]] = {}
    order = sorted(
        range(len(items)),
        key=lambda i: (
            items[i].reviewed_at.timestamp() if timezone.is_aware(items[i].reviewed_at) else 0,
            i,
        ),
    )
    for index in order:
        item = items[index]
        result: dict[str, Any] = {"client_review_id": str(item.client_review_id)}
        refusal = _refusal(item, known, types, now)
        if refusal:
            results[index] = result | {"status": "rejected", "detail": refusal}
            continue
        with transaction.atomic():
            outcome = review_record(
                user=user,
                flashcard_id=item.flashcard_id,
                rating=item.rating,
                reviewed_at=item.reviewed_at,
                client_review_id=item.client_review_id,
                response_ms=item.response_ms,
                quiz_type=types.get(item.quiz_type or ""),
                source=ReviewLog.Source.SYNC,
                study_settings=study_settings,
            )
        if outcome.duplicate and outcome.review_log.flashcard_id != item.flashcard_id:
            results[index] = result | {
                "status": "rejected",
                "detail": "This client_review_id was already used for another card.",
            }
            continue
        results[index] = result | {
            "status": "duplicate" if outcome.duplicate else "applied",
            "memory_strength": strength_of(outcome.progress, now=now, decay=decay),
            "next_due": outcome.progress.due.isoformat() if outcome.progress.due else None,
        }
    return [results[index] for index in range(len(items))]
