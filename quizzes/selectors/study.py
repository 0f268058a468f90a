"""What a learner has to study: due cards, new cards, today's counts."""

import statistics
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User
from decks.models import Catalog, CatalogFlashcard, Flashcard
from decks.selectors import catalogs_in_collection_of, flashcards_visible_to
from quizzes import memory
from quizzes.grading import USUAL_RESPONSE_MS
from quizzes.models import CardProgress, CardState, QuizType, ReviewLog, StudySettings
from quizzes.study_days import study_day_bounds, study_day_of

USUAL_RESPONSE_SAMPLE = 50
USUAL_RESPONSE_MIN_SAMPLES = 5


def study_day_window(
    user: User, study_settings: StudySettings, now: datetime
) -> tuple[datetime, datetime]:
    """When the learner's current study day started and when the next one starts."""
    zone, rollover = user.settings.time_zone, study_settings.day_rollover_hour
    day = study_day_of(now, time_zone=zone, rollover_hour=rollover)
    return study_day_bounds(day, time_zone=zone, rollover_hour=rollover)


def study_day_start(user: User, study_settings: StudySettings, now: datetime) -> datetime:
    return study_day_window(user, study_settings, now)[0]


def reviews_since(user: User, start: datetime) -> QuerySet[ReviewLog]:
    return ReviewLog.objects.filter(user=user, reviewed_at__gte=start)


# What the daily limits count, each said once. New cards: cards first reviewed in the
# window. Reviews: reviews of cards in the Review state; steps of cards in (re)learning are
# not limited, as in Anki: a card started today can always finish its steps.
NEW_CARD_STARTED = Q(state_before__state=CardState.NEW)
LEARNT_CARD_REVIEWED = Q(state_before__state=CardState.REVIEW)


def new_cards_started_since(user: User, start: datetime) -> int:
    """Cards first reviewed since `start`: what the daily new-card limit counts."""
    return reviews_since(user, start).filter(NEW_CARD_STARTED).count()


def daily_limits_used(user: User, study_settings: StudySettings, now: datetime) -> dict[str, int]:
    """Today's work against the daily limits, counted as the quiz builder counts it (both
    counts in one query: this runs for every quiz drawn and every progress page)."""
    start = study_day_start(user, study_settings, now)
    used = reviews_since(user, start).aggregate(
        reviews=Count("pk", filter=LEARNT_CARD_REVIEWED), new=Count("pk", filter=NEW_CARD_STARTED)
    )
    return {
        "reviews": used["reviews"],
        "review_limit": study_settings.daily_review_limit,
        "new": used["new"],
        "new_limit": study_settings.daily_new_limit,
    }


def daily_room(user: User, study_settings: StudySettings, now: datetime) -> tuple[int, int]:
    """How many reviews of learnt cards and how many new cards today's limits still allow."""
    used = daily_limits_used(user, study_settings, now)
    return (
        max(0, used["review_limit"] - used["reviews"]),
        max(0, used["new_limit"] - used["new"]),
    )


def studyable_rule(user: User | None) -> Exists:
    """Whether a progress row's card is one a session would let its learner study: one
    visible to `user` (decks' own rule, `flashcards_visible_to`), or with no user, to the
    row's own learner, for the rows of many learners at once. An EXISTS per row, so that
    the rule is asked only of the rows counted (those due), never of every card."""
    viewer = OuterRef("user_id") if user is None else user
    return Exists(flashcards_visible_to(viewer).filter(pk=OuterRef("flashcard_id")))


def studyable(
    progress: QuerySet[CardProgress], user: User, *, catalog: Catalog | None = None
) -> QuerySet[CardProgress]:
    """The rows of cards a session would let the learner study: those of `catalog` (one
    they may open: callers check), or else those `studyable_rule` lets through.

    Every due figure a learner is shown (summary, forecast, dashboard, reminder) counts
    these rows, as the session draws from them: a share revoked, a catalog made private or
    a card taken out of every catalog the learner may open keeps its progress and reviews
    (the history) but no longer promises a card the session cannot give."""
    if catalog is not None:
        return progress.filter(flashcard__memberships__catalog=catalog)
    return progress.filter(studyable_rule(user))


def due_progress(
    user: User, *, now: datetime, catalog: Catalog | None = None, learning: bool
) -> QuerySet[CardProgress]:
    """The learner's cards due now, most overdue first, then the weakest memory first:
    those in (re)learning steps, or (`learning=False`) those in the Review state."""
    states = (CardState.LEARNING, CardState.RELEARNING) if learning else (CardState.REVIEW,)
    progress = CardProgress.objects.filter(
        user=user, due__lte=now, suspended=False, state__in=states
    ).select_related("flashcard")
    return studyable(progress, user, catalog=catalog).order_by("due", "stability", "id")


def new_flashcards(user: User, *, catalog: Catalog | None = None) -> QuerySet[Flashcard]:
    """Cards the learner has never studied, in the order they were added to the catalog.

    Without a catalog: the cards of the catalogs in the learner's collection.
    """
    # A row still New and not suspended (never reviewed) leaves the card new.
    studied = CardProgress.objects.filter(user=user, flashcard=OuterRef("pk")).exclude(
        state=CardState.NEW, suspended=False
    )
    if catalog is not None:
        cards = Flashcard.objects.filter(memberships__catalog=catalog).order_by(
            "memberships__added_at", "memberships__id"
        )
    else:
        # Exists, not a join: a card in two of the learner's catalogs comes once.
        in_collection = CatalogFlashcard.objects.filter(
            flashcard=OuterRef("pk"), catalog__in=catalogs_in_collection_of(user)
        )
        cards = Flashcard.objects.filter(Exists(in_collection)).order_by("pk")
    return cards.exclude(Exists(studied))


def usual_response_ms(user: User, quiz_type: QuizType) -> float:
    """The learner's median time for a right answer of this type, or a default without
    enough history: "slow" and "fast" are measured against the learner's own pace."""
    recent = (
        ReviewLog.objects.filter(
            user=user, quiz_type=quiz_type, correct=True, response_ms__isnull=False
        )
        .order_by("-reviewed_at")
        .values_list("response_ms", flat=True)[:USUAL_RESPONSE_SAMPLE]
    )
    times = [ms for ms in recent if ms is not None]
    if len(times) < USUAL_RESPONSE_MIN_SAMPLES:
        return USUAL_RESPONSE_MS[quiz_type.difficulty]
    return statistics.median(times)


def strength_of(progress: CardProgress | None, *, now: datetime, decay: float) -> int:
    if progress is None:
        return 0
    return memory.memory_strength(
        stability=progress.stability, last_review=progress.last_review, now=now, decay=decay
    )
