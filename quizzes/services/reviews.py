"""Reviews: every answer and every synced review changes a card's memory here, once.

One review is one transaction: the learner's progress row for the card is locked, the
FSRS scheduler applied, the bookkeeping (reps, lapses, streaks, leech) updated and one
ReviewLog written. A review with a `client_review_id` already recorded changes nothing.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import fsrs
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from quizzes import memory
from quizzes.models import CardProgress, CardState, QuizType, Rating, ReviewLog, StudySettings
from quizzes.selectors.settings import study_settings_of


@dataclass(frozen=True)
class ReviewOutcome:
    review_log: ReviewLog
    progress: CardProgress
    duplicate: bool


def _bookkeep(
    progress: CardProgress,
    card: fsrs.Card,
    *,
    rating: int,
    correct: bool,
    state_before: int,
    study_settings: StudySettings,
) -> None:
    """Copy the new FSRS state to the row and count reps, lapses, streaks and leeches."""
    progress.state = card.state.value
    progress.step = card.step
    progress.stability = card.stability
    progress.difficulty = card.difficulty
    progress.due = card.due
    progress.last_review = card.last_review
    progress.reps += 1
    if rating == Rating.AGAIN and state_before == CardState.REVIEW:
        progress.lapses += 1  # forgetting a learnt card, as FSRS and Anki count lapses
    progress.streak = progress.streak + 1 if correct else 0
    progress.best_streak = max(progress.best_streak, progress.streak)
    if progress.lapses >= study_settings.leech_threshold and not progress.is_leech:
        progress.is_leech = True
        progress.suspended = progress.suspended or study_settings.suspend_leeches


def _review(
    progress: CardProgress,
    scheduler: fsrs.Scheduler,
    *,
    rating: int,
    reviewed_at: datetime,
    correct: bool,
    response_ms: int | None,
    study_settings: StudySettings,
) -> tuple[dict, dict]:
    """Apply one review to the row in memory; returns the card state before and after."""
    before_card = memory.card_of(progress) if progress.state != CardState.NEW else None
    state_before = progress.state
    card, _ = scheduler.review_card(
        memory.card_of(progress),
        fsrs.Rating(rating),
        review_datetime=memory.as_utc(reviewed_at),
        review_duration=response_ms,
    )
    _bookkeep(
        progress,
        card,
        rating=rating,
        correct=correct,
        state_before=state_before,
        study_settings=study_settings,
    )
    return memory.card_state(before_card), memory.card_state(card)


class Replayable(Protocol):
    """What a replay reads from a review and writes back: a ReviewLog, or an imported
    review on its way to becoming one (`quizzes.services.history`)."""

    pk: Any
    rating: int
    correct: bool | None
    response_ms: int | None
    reviewed_at: datetime
    state_before: Any
    state_after: Any


def progress_replay[R: Replayable](
    *, progress: CardProgress, logs: Iterable[R], study_settings: StudySettings
) -> list[R]:
    """Rebuild a card's progress from its whole history, in time order.

    Used when a review arrives older than the card's last one (offline sync), when the
    learner's retention or parameters change, and for imported history. The logs' before
    and after states are rewritten to match; the caller saves the row and the logs.

    The same scheduler steps as one `_review` per log, without rebuilding the py-fsrs
    card from the row before and after each one: the card a review returns is the next
    review's card, and its state after is the next one's state before.
    """
    scheduler = memory.scheduler_for(study_settings)
    suspended = progress.suspended and not progress.is_leech
    for name, value in _NEW_PROGRESS.items():
        setattr(progress, name, value)
    ordered = sorted(logs, key=lambda log: (log.reviewed_at, log.pk or 0))
    card = memory.card_of(progress)
    state = memory.card_state(None)
    for log in ordered:
        state_before = progress.state
        card, _ = scheduler.review_card(
            card,
            _RATINGS[log.rating],
            review_datetime=memory.as_utc(log.reviewed_at),
            review_duration=log.response_ms,
        )
        _bookkeep(
            progress,
            card,
            rating=log.rating,
            correct=_is_correct(log.rating, log.correct),
            state_before=state_before,
            study_settings=study_settings,
        )
        log.state_before, state = state, memory.card_state(card)
        log.state_after = dict(state)
    progress.suspended = progress.suspended or suspended
    return ordered


_RATINGS = {rating.value: rating for rating in fsrs.Rating}
_NEW_PROGRESS = {
    "state": CardState.NEW,
    "step": None,
    "stability": None,
    "difficulty": None,
    "due": None,
    "last_review": None,
    "reps": 0,
    "lapses": 0,
    "streak": 0,
    "best_streak": 0,
    "is_leech": False,
    "suspended": False,
}


def _is_correct(rating: int, correct: bool | None) -> bool:
    """A review without a quiz's verdict (flip, sync) counts as right unless it is Again."""
    return correct if correct is not None else rating != Rating.AGAIN


# No savepoint of its own: the one inside is what a duplicate rolls back to; an error
# that escapes leaves the caller's transaction to roll back, as any error of theirs would.
@transaction.atomic(savepoint=False)
def review_record(
    *,
    user: User,
    flashcard_id: int,
    rating: int,
    reviewed_at: datetime,
    client_review_id: uuid.UUID | None = None,
    response_ms: int | None = None,
    quiz_type: QuizType | None = None,
    correct: bool | None = None,
    source: str = ReviewLog.Source.QUIZ,
    study_settings: StudySettings | None = None,
) -> ReviewOutcome:
    """Record one review of a card by a learner and reschedule the card.

    The caller has checked that the learner may see the card and that the input is sane.
    The same `client_review_id` again returns the first review, unchanged. A review older
    than the card's last one is slotted into the history and the card replayed from it.
    `study_settings`: the learner's, when the caller has read them already.
    """
    sent_by_client = client_review_id is not None
    client_review_id = client_review_id or uuid.uuid4()
    try:
        # A savepoint: a review that turns out to be recorded already leaves no trace,
        # not even a progress row made for it.
        with transaction.atomic():
            progress = _progress_locked(user, flashcard_id)
            log = ReviewLog(
                user=user,
                flashcard_id=flashcard_id,
                client_review_id=client_review_id,
                rating=rating,
                quiz_type=quiz_type,
                correct=correct,
                response_ms=response_ms,
                reviewed_at=reviewed_at,
                source=source,
            )
            log = _apply(progress, log, study_settings or study_settings_of(user))
            progress.save()
    except IntegrityError:
        # The review id is recorded already (unique per learner): sent again, by this
        # device or by another one at the same moment. The constraint is the one check, so
        # a new review, nearly every one, costs no lookup; an id made here is new anyway.
        if not sent_by_client or (existing := _recorded(user, client_review_id)) is None:
            raise
        return existing
    return ReviewOutcome(review_log=log, progress=progress, duplicate=False)


def _progress_locked(user: User, flashcard_id: int) -> CardProgress:
    """The learner's progress row for the card, locked; made first if there is none. Not
    get_or_create: its savepoint (two more round trips) guards an insert that here skips a
    row made meanwhile by another review of the card, and then waits for it."""
    rows = CardProgress.objects.select_for_update().filter(user=user, flashcard_id=flashcard_id)
    for progress in rows:
        return progress
    CardProgress.objects.bulk_create(
        [CardProgress(user=user, flashcard_id=flashcard_id)], ignore_conflicts=True
    )
    return rows.get()


def _recorded(user: User, client_review_id: uuid.UUID) -> ReviewOutcome | None:
    """The review already recorded under this id, with its card's progress, or None."""
    log = ReviewLog.objects.filter(user=user, client_review_id=client_review_id).first()
    if log is None:
        return None
    progress = CardProgress.objects.get(user=user, flashcard_id=log.flashcard_id)
    return ReviewOutcome(review_log=log, progress=progress, duplicate=True)


def _apply(progress: CardProgress, log: ReviewLog, study_settings: StudySettings) -> ReviewLog:
    """Apply a new review to the locked row; returns the saved log with its states."""
    if progress.last_review is not None and log.reviewed_at < progress.last_review:
        log.save()
        history = ReviewLog.objects.filter(user=log.user, flashcard_id=log.flashcard_id)
        replayed = progress_replay(progress=progress, logs=history, study_settings=study_settings)
        ReviewLog.objects.bulk_update(replayed, ["state_before", "state_after"])
        return next(entry for entry in replayed if entry.pk == log.pk)
    log.state_before, log.state_after = _review(
        progress,
        memory.scheduler_for(study_settings),
        rating=log.rating,
        reviewed_at=log.reviewed_at,
        correct=_is_correct(log.rating, log.correct),
        response_ms=log.response_ms,
        study_settings=study_settings,
    )
    log.save()
    return log


RESCHEDULE_BATCH = 500


def progress_reschedule(*, user_id: int) -> int:
    """Replay every studied card of the learner from its history with their current
    scheduler (new retention, steps or parameters); returns how many cards changed.

    Cards are replayed in batches, each batch in its own transaction with its rows locked,
    so a long reschedule never holds the learner's whole collection.
    """
    user = User.objects.get(pk=user_id)
    study_settings = study_settings_of(user)
    ids = list(
        CardProgress.objects.filter(user=user, last_review__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = 0
    for start in range(0, len(ids), RESCHEDULE_BATCH):
        changed += _reschedule_batch(user, ids[start : start + RESCHEDULE_BATCH], study_settings)
    return changed


@transaction.atomic
def _reschedule_batch(user: User, ids: list[int], study_settings: StudySettings) -> int:
    locked = CardProgress.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    rows = {p.flashcard_id: p for p in locked}
    history: dict[int, list[ReviewLog]] = {}
    for log in ReviewLog.objects.filter(user=user, flashcard_id__in=rows).order_by(
        "reviewed_at", "id"
    ):
        history.setdefault(log.flashcard_id, []).append(log)
    changed, logs = [], []
    for flashcard_id, progress in rows.items():
        if flashcard_id not in history:
            continue  # no history to replay from: left as it is, never reset to new
        before = (progress.due, progress.stability, progress.difficulty)
        logs += progress_replay(
            progress=progress, logs=history.get(flashcard_id, []), study_settings=study_settings
        )
        if (progress.due, progress.stability, progress.difficulty) != before:
            progress.updated_at = timezone.now()  # bulk_update skips auto_now
            changed.append(progress)
    CardProgress.objects.bulk_update(changed, PROGRESS_FIELDS)
    ReviewLog.objects.bulk_update(logs, ["state_before", "state_after"], batch_size=1000)
    return len(changed)


PROGRESS_FIELDS = [*_NEW_PROGRESS, "updated_at"]
