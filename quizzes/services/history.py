"""Imported review history: a learner's reviews from elsewhere (an Anki package) become
their ReviewLogs, and each card's progress is rebuilt by replaying its whole history.

Built for tens of thousands of reviews in one call: the queries are per batch of
HISTORY_BATCH rows (inserts, the check for reviews already imported), never per review or
per card; the replay through the scheduler runs in memory (`progress_replay`, the same
code a late offline review or a reschedule uses). A new review is no ReviewLog instance
until it is read back: it is replayed as a plain `_NewReview` and inserted with its values
prepared by the ReviewLog fields themselves, which spares the model and the query
compiler's work per review (most of an import's time when it was `bulk_create`); on
PostgreSQL they go in with one COPY (cerego.bulk).
"""

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from accounts.models import User
from cerego.bulk import rows_copy
from decks.signals import ImportedReview
from quizzes.models import CardProgress, ReviewLog
from quizzes.selectors.settings import study_settings_of
from quizzes.services.reviews import PROGRESS_FIELDS, progress_replay

# Rows per insert and ids per lookup: 5,000 logs of 12 columns stay under PostgreSQL's
# 65,535 parameters (Django cuts SQLite's batches to its own limit).
HISTORY_BATCH = 5000
# Fixed forever: the ids of imported reviews are derived from it, so that importing the
# same history again finds the reviews already recorded.
IMPORTED_REVIEW_NAMESPACE = uuid.UUID("3f0c6a4e-8b1d-5c2a-9e47-6d2b8f1a0c35")


@dataclass(frozen=True, slots=True)
class HistoryImportResult:
    imported: int
    already_imported: int
    cards: int  # cards whose progress was rebuilt


@dataclass(slots=True)
class _NewReview:
    """An imported review not recorded yet: what the replay reads and writes, then a row."""

    flashcard_id: int
    client_review_id: uuid.UUID
    rating: int
    response_ms: int | None
    reviewed_at: datetime
    state_before: dict[str, Any] = field(default_factory=dict)
    state_after: dict[str, Any] = field(default_factory=dict)
    correct: bool | None = None  # an imported review has no quiz's verdict
    pk: int | None = None  # none until read back as a ReviewLog


def imported_review_id(*, user_id: int, source_id: str) -> uuid.UUID:
    """The `client_review_id` of an imported review: the same learner and source review
    always give the same id, so the unique constraint keeps a second import out."""
    return uuid.uuid5(IMPORTED_REVIEW_NAMESPACE, f"{user_id}:{source_id}")


@transaction.atomic
def review_history_import(
    *, user: User, histories: Mapping[int, Sequence[ImportedReview]]
) -> HistoryImportResult:
    """Record `histories` ({flashcard id: reviews}) as `user`'s imported reviews and rebuild
    the progress of those cards from their whole history (earlier reviews included).

    The caller vouches that the cards are the learner's to study and the ratings are 1-4.
    A review already recorded by an earlier import (same learner, same `source_id`) is
    counted and left out; a card whose reviews all were is left as it is.
    """
    study_settings = study_settings_of(user)
    new_logs = _new_logs(user, histories)
    flashcard_ids = {log.flashcard_id for log in new_logs}
    progress_by_card = {
        progress.flashcard_id: progress
        for progress in CardProgress.objects.filter(user=user, flashcard_id__in=flashcard_ids)
    }
    history_by_card: dict[int, list[ReviewLog | _NewReview]] = {
        flashcard_id: list(logs)
        for flashcard_id, logs in _history_of(user, progress_by_card).items()
    }
    for log in new_logs:
        history_by_card.setdefault(log.flashcard_id, []).append(log)
    earlier_logs: list[ReviewLog] = []
    for flashcard_id in flashcard_ids:
        progress = progress_by_card.get(flashcard_id) or CardProgress(
            user=user, flashcard_id=flashcard_id
        )
        progress_by_card[flashcard_id] = progress
        replayed = progress_replay(
            progress=progress, logs=history_by_card[flashcard_id], study_settings=study_settings
        )
        earlier_logs += [log for log in replayed if isinstance(log, ReviewLog)]
    imported = _save(user, progress_by_card.values(), new_logs, earlier_logs)
    sent = sum(len(reviews) for reviews in histories.values())
    return HistoryImportResult(
        imported=imported, already_imported=sent - imported, cards=len(flashcard_ids)
    )


def _new_logs(user: User, histories: Mapping[int, Sequence[ImportedReview]]) -> list[_NewReview]:
    """The reviews not recorded yet, as unsaved logs (a source review sent twice, once)."""
    reviews: dict[uuid.UUID, tuple[int, ImportedReview]] = {
        imported_review_id(user_id=user.pk, source_id=review.source_id): (flashcard_id, review)
        for flashcard_id, card_reviews in histories.items()
        for review in card_reviews
    }
    if ReviewLog.objects.filter(user=user).exists():  # else a first history: nothing to find
        ids = list(reviews)
        for start in range(0, len(ids), HISTORY_BATCH):
            for known in ReviewLog.objects.filter(
                user=user, client_review_id__in=ids[start : start + HISTORY_BATCH]
            ).values_list("client_review_id", flat=True):
                del reviews[known]
    return [
        _NewReview(flashcard_id, review_id, review.rating, review.duration_ms, review.reviewed_at)
        for review_id, (flashcard_id, review) in reviews.items()
    ]


def _history_of(
    user: User, progress_by_card: Mapping[int, CardProgress]
) -> dict[int, list[ReviewLog]]:
    """The reviews already recorded for the cards that have progress; a card without
    progress has none, which spares the query for freshly imported cards."""
    history: dict[int, list[ReviewLog]] = {}
    if progress_by_card:
        for log in ReviewLog.objects.filter(user=user, flashcard_id__in=list(progress_by_card)):
            history.setdefault(log.flashcard_id, []).append(log)
    return history


def _save(
    user: User,
    progress: Iterable[CardProgress],
    new_logs: list[_NewReview],
    earlier_logs: list[ReviewLog],
) -> int:
    """Save the replayed progress and logs; how many new reviews were recorded."""
    rows = list(progress)
    new_rows = [row for row in rows if row.pk is None]
    saved_rows = [row for row in rows if row.pk is not None]
    CardProgress.objects.bulk_create(new_rows, batch_size=HISTORY_BATCH)
    CardProgress.objects.bulk_update(saved_rows, PROGRESS_FIELDS, batch_size=HISTORY_BATCH)
    recorded = _insert(user, new_logs)
    ReviewLog.objects.bulk_update(
        earlier_logs, ["state_before", "state_after"], batch_size=HISTORY_BATCH
    )
    return recorded


def _insert(user: User, reviews: list[_NewReview]) -> int:
    """Insert the new reviews as `bulk_create(ignore_conflicts=True)` would (a concurrent
    import of the same history must not fail this one): the same values, with one COPY
    on PostgreSQL (the server inserted 40,930 reviews in 5.7 s with `executemany`), or
    else, and on SQLite, that statement in one `executemany` per HISTORY_BATCH rows.
    How many it inserted: those a concurrent import recorded meanwhile are not counted."""
    meta = ReviewLog._meta
    columns = [f for f in meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    statement = " ".join(
        part
        for part in (
            ops.insert_statement(on_conflict=OnConflict.IGNORE),
            ops.quote_name(str(meta.db_table)),
            "(" + ", ".join(ops.quote_name(str(f.column)) for f in columns) + ")",
            "VALUES (" + ", ".join(["%s"] * len(columns)) + ")",
            ops.on_conflict_suffix_sql(columns, OnConflict.IGNORE, None, None),
        )
        if part
    )
    fields = {f.attname: f for f in columns}
    prepare_id, prepare_moment, prepare_state = (
        fields["client_review_id"].get_db_prep_save,
        fields["reviewed_at"].get_db_prep_save,
        fields["state_before"].get_db_prep_save,
    )
    now = prepare_moment(timezone.now(), connection)
    # Every column, in the model's order: a column added to ReviewLog fails here
    # (KeyError) until this says how an imported review fills it.
    known = {"user_id": user.pk, "source": ReviewLog.Source.IMPORT.value, "created_at": now}

    def row(review: _NewReview) -> list[Any]:
        values = {
            **known,
            "flashcard_id": review.flashcard_id,
            "client_review_id": prepare_id(review.client_review_id, connection),
            "rating": review.rating,
            "response_ms": review.response_ms,
            "reviewed_at": prepare_moment(review.reviewed_at, connection),
            "state_before": prepare_state(review.state_before, connection),
            "state_after": prepare_state(review.state_after, connection),
            "correct": None,
            "quiz_type_id": None,
        }
        return [values[name] for name in fields]

    if connection.vendor == "postgresql" and _copied(reviews, row, columns):
        return len(reviews)
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(reviews), HISTORY_BATCH):
            cursor.executemany(statement, [row(r) for r in reviews[start : start + HISTORY_BATCH]])
            inserted += cursor.rowcount  # both drivers: the rows of every execution
    return inserted


def _copied(
    reviews: list[_NewReview], row: Callable[[_NewReview], list[Any]], columns: list[Any]
) -> bool:
    """PostgreSQL: the new reviews written with one COPY, the server's fastest way in;
    False, and nothing written, when one of them was recorded meanwhile (a concurrent
    import of the same history), which only the statement of `_insert` skips."""
    ops = connection.ops
    names = ", ".join(ops.quote_name(str(f.column)) for f in columns)
    try:
        with transaction.atomic(), connection.cursor() as cursor:  # a savepoint to undo it
            rows_copy(
                cursor, ops.quote_name(str(ReviewLog._meta.db_table)), names, map(row, reviews)
            )
    except IntegrityError:
        return False
    return True
