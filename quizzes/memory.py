"""Memory as FSRS models it: schedulers, card states, retrievability, levels.

No database here: services and selectors turn rows into FSRS cards and back through
these functions, so the scheduler is built and read in one place.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

import fsrs
from django.conf import settings

from quizzes.models import CardState

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs.Scheduler().parameters)
SECONDS_PER_DAY = 86_400.0


class SchedulerSettings(Protocol):
    """What a scheduler is built from: a learner's StudySettings."""

    desired_retention: float
    learning_steps: list[int]
    relearning_steps: list[int]
    maximum_interval: int
    fsrs_parameters: list[float] | None


class CardFields(Protocol):
    """The FSRS state as a progress row keeps it."""

    pk: Any
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None


@lru_cache(maxsize=256)
def _scheduler(
    parameters: tuple[float, ...],
    desired_retention: float,
    learning_steps: tuple[int, ...],
    relearning_steps: tuple[int, ...],
    maximum_interval: int,
    enable_fuzzing: bool,
) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        parameters=parameters,
        desired_retention=desired_retention,
        learning_steps=tuple(timedelta(minutes=m) for m in learning_steps),
        relearning_steps=tuple(timedelta(minutes=m) for m in relearning_steps),
        maximum_interval=maximum_interval,
        enable_fuzzing=enable_fuzzing,
    )


def scheduler_for(study_settings: SchedulerSettings) -> fsrs.Scheduler:
    """The learner's scheduler: their retention, steps and (when kept) fitted parameters."""
    return _scheduler(
        parameters_of(study_settings),
        study_settings.desired_retention,
        tuple(study_settings.learning_steps),
        tuple(study_settings.relearning_steps),
        study_settings.maximum_interval,
        settings.FSRS_ENABLE_FUZZING,
    )


def parameters_of(study_settings: SchedulerSettings) -> tuple[float, ...]:
    return tuple(study_settings.fsrs_parameters or DEFAULT_PARAMETERS)


def as_utc(moment: datetime) -> datetime:
    """py-fsrs accepts exactly `datetime.UTC` as tzinfo, nothing equivalent."""
    return moment.astimezone(UTC)


def card_of(progress: CardFields) -> fsrs.Card:
    # An unsaved row (an imported history is replayed before it is saved) still needs an
    # id: without one py-fsrs sleeps a millisecond to invent it.
    card_id = progress.pk or 0
    if progress.state == CardState.NEW or progress.last_review is None:
        return fsrs.Card(card_id=card_id, state=fsrs.State.Learning, step=0)
    return fsrs.Card(
        card_id=card_id,
        state=fsrs.State(progress.state),
        step=progress.step,
        stability=progress.stability,
        difficulty=progress.difficulty,
        due=as_utc(progress.due) if progress.due else None,
        last_review=as_utc(progress.last_review),
    )


def card_state(card: fsrs.Card | None) -> dict[str, Any]:
    """A card as the review log keeps it (before and after each review)."""
    if card is None:
        return {"state": CardState.NEW.value}
    return {
        "state": card.state.value,
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due.isoformat(),
        "last_review": card.last_review.isoformat() if card.last_review else None,
    }


def retrievability(
    *, stability: float | None, last_review: datetime | None, now: datetime, decay: float
) -> float:
    """FSRS-6's forgetting curve at this very moment.

    py-fsrs cuts elapsed time to whole days, which would show a card learnt ten minutes
    ago at 100 % all day; memory strength is read "right now", so time is continuous here.
    """
    if stability is None or last_review is None or stability <= 0:
        return 0.0
    elapsed_days = max(0.0, (now - last_review).total_seconds() / SECONDS_PER_DAY)
    return forgetting_curve(elapsed_days, stability=stability, decay=decay)


def forgetting_curve(elapsed_days: float, *, stability: float, decay: float) -> float:
    """The chance of recall `elapsed_days` after a review, for a stability above 0."""
    factor = 0.9 ** (1 / -decay) - 1
    return float((1 + factor * elapsed_days / stability) ** -decay)


def memory_strength(
    *, stability: float | None, last_review: datetime | None, now: datetime, decay: float
) -> int:
    """0-100: the predicted chance of recalling the card now; 0 for a card never studied."""
    r = retrievability(stability=stability, last_review=last_review, now=now, decay=decay)
    return round(100 * r)


@dataclass(frozen=True)
class Level:
    name: str
    description: str
    below_days: float  # stability under which a card is at this level


LEVELS = (
    Level("Building", "remembered for less than a day", 1),
    Level("Level 1", "days", 7),
    Level("Level 2", "weeks", 30),
    Level("Level 3", "months", 90),
    Level("Level 4", "years", 365),
    Level("Mastery", "a year or more", float("inf")),
)
LEVEL_NEW = Level("New", "never studied", 0)
LEVEL_NAMES = [LEVEL_NEW.name, *(level.name for level in LEVELS)]
# Each studied level's [low, high) stability in days, for counting levels in the database.
LEVEL_RANGES = {
    level.name: (low.below_days, level.below_days)
    for low, level in zip((Level("", "", 0), *LEVELS), LEVELS, strict=False)
}


def level_of(stability: float | None) -> Level:
    """Cerego-style level from how long the memory lasts (FSRS stability, in days)."""
    if stability is None:
        return LEVEL_NEW
    return next(level for level in LEVELS if stability < level.below_days)


def stability_range(level_name: str) -> tuple[float, float] | None:
    """The [low, high) stability of a level; None for New or an unknown name."""
    low = 0.0
    for level in LEVELS:
        if level.name == level_name:
            return low, level.below_days
        low = level.below_days
    return None


def decay_of(parameters: tuple[float, ...]) -> float:
    return parameters[20]
