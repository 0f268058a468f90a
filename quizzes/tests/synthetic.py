"""Synthetic learners whose memory follows given FSRS parameters, for the fit's tests and
benchmarks: each recall is drawn, with a seeded RNG, from the retrievability a py-fsrs
scheduler with those parameters predicts."""

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import fsrs

from quizzes.memory import DEFAULT_PARAMETERS

START = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)  # noon: far from any day boundary
FIRST_RATINGS = (fsrs.Rating.Again, fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy)
FIRST_WEIGHTS = (0.25, 0.1, 0.5, 0.15)
# A memory that lasts far longer than the defaults say, and forgets on a flatter curve.
STRONG_MEMORY = (
    2.5, 6.0, 15.0, 40.0, *DEFAULT_PARAMETERS[4:8], 2.3, *DEFAULT_PARAMETERS[9:20], 0.4,
)  # fmt: skip


def synthetic_reviews(
    *,
    parameters: Sequence[float] = DEFAULT_PARAMETERS,
    cards: int = 400,
    days: int = 365,
    seed: int = 1,
) -> list[tuple[int, datetime, int]]:
    """(card number, reviewed_at, rating) of a learner who adds cards over the first half
    of `days` and reviews each when due, sometimes a day or two late."""
    rng = random.Random(seed)
    scheduler = fsrs.Scheduler(
        parameters=tuple(parameters),
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
    )
    end = START + timedelta(days=days)
    reviews = []
    for number in range(cards):
        card = fsrs.Card(card_id=number + 1)
        moment = START + timedelta(days=rng.randrange(days // 2))
        rating = rng.choices(FIRST_RATINGS, FIRST_WEIGHTS)[0]
        while moment < end:
            reviews.append((number, moment, rating.value))
            card, _ = scheduler.review_card(card, rating, review_datetime=moment)
            moment = card.due + timedelta(days=rng.choice((0, 0, 0, 1, 2, 4)))
            recalled = rng.random() < scheduler.get_card_retrievability(card, moment)
            rating = _recalled_rating(rng) if recalled else fsrs.Rating.Again
    return reviews


def _recalled_rating(rng: random.Random) -> fsrs.Rating:
    return rng.choices(FIRST_RATINGS[1:], (0.1, 0.8, 0.1))[0]


def store_history(user, reviews: list[tuple[int, datetime, int]]) -> list:
    """Save a synthetic learner's reviews as theirs: one flashcard per card number, the
    ReviewLog rows, and a progress row per card (not replayed: rescheduling does that)."""
    from decks.models import Flashcard
    from decks.tests.factories import FlashcardFactory, LanguageFactory
    from quizzes.models import CardProgress, ReviewLog

    language = LanguageFactory()
    numbers = sorted({number for number, _, _ in reviews})
    cards = Flashcard.objects.bulk_create(
        FlashcardFactory.build(owner=user, language=language) for _ in numbers
    )
    flashcard = dict(zip(numbers, cards, strict=True))
    ReviewLog.objects.bulk_create(
        (
            ReviewLog(user=user, flashcard=flashcard[number], rating=rating, reviewed_at=moment)
            for number, moment, rating in reviews
        ),
        batch_size=2000,
    )
    CardProgress.objects.bulk_create(
        CardProgress(user=user, flashcard=card, last_review=START) for card in cards
    )
    return cards
