"""The progress selectors, on hand-made histories."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from decks.services.sharing import share_revoke
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory
from quizzes import memory
from quizzes.models import CardProgress, CardState, Rating
from quizzes.selectors.progress import progress_summary, strength_counts
from quizzes.selectors.settings import study_settings_of
from quizzes.services.reviews import review_record
from quizzes.tests.conftest import START, progress

pytestmark = pytest.mark.django_db


def test_the_study_streak_counts_days_on_a_half_hour_clock(learner, card):
    """Kolkata is UTC+5:30; with the day starting at 04:00 there, a review at 04:15 is on
    the new day, although in UTC it falls in the hour that began before the rollover."""
    learner.settings.time_zone = "Asia/Kolkata"
    learner.settings.save()
    study_settings = study_settings_of(learner)
    study_settings.day_rollover_hour = 4
    study_settings.save()
    for at in (datetime(2026, 3, 1, 6, 30, tzinfo=UTC), datetime(2026, 3, 2, 22, 45, tzinfo=UTC)):
        review_record(user=learner, flashcard_id=card.pk, rating=Rating.GOOD, reviewed_at=at)

    # 2 March 22:45 UTC is 3 March 04:15 in Kolkata: a new study day; 2 March had none.
    summary = progress_summary(learner, now=datetime(2026, 3, 3, 6, 30, tzinfo=UTC))

    assert summary["study_streak"] == 1


def test_the_database_rates_every_card_as_memory_strength_does(learner, deck):
    """strength_counts computes the forgetting curve in SQL: card by card, it must agree
    with memory.memory_strength, the one definition, edge cases included."""
    rng = random.Random(7)
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    decay = memory.decay_of(memory.DEFAULT_PARAMETERS)
    cards = [m.flashcard for m in deck.memberships.order_by("id")]
    odd = [  # (stability, last review): no memory, never reviewed, reviewed "in the future"
        (None, now - timedelta(days=3)),
        (4.0, None),
        (0.0, now),
        (5.0, now + timedelta(hours=2)),
        (5.0, now),
    ]
    expected = []
    for index, flashcard in enumerate(cards):
        if index < len(odd):
            stability, last = odd[index]
        else:
            stability = rng.lognormvariate(2, 2)
            last = now - timedelta(seconds=rng.uniform(0, 3 * 86_400 * stability))
        row = CardProgress.objects.create(
            user=learner,
            flashcard=flashcard,
            state=CardState.REVIEW,
            stability=stability,
            last_review=last,
            due=now,
        )
        expected.append(
            memory.memory_strength(stability=stability, last_review=last, now=now, decay=decay)
        )
        one = strength_counts(CardProgress.objects.filter(pk=row.pk), now=now, decay=decay)
        assert one == [(None, expected[-1], 1)], (stability, last)

    counts = strength_counts(CardProgress.objects.filter(user=learner), now=now, decay=decay)

    assert sorted((strength, n) for _, strength, n in counts) == sorted(Counter(expected).items())
    assert len(set(expected)) > 10  # a spread of strengths, not one value


def test_the_summary_and_catalog_strengths_are_those_of_every_card(learner, deck, spanish):
    """The histogram, the average and each catalog's mean strength, against the cards
    rated one by one in Python; a card in two catalogs counts in both, new cards as 0."""
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    decay = memory.decay_of(memory.DEFAULT_PARAMETERS)
    cards = [m.flashcard for m in deck.memberships.order_by("id")]
    second = CatalogFactory(owner=learner, language=spanish, name="Second")
    for flashcard in cards[:3]:
        CatalogFlashcardFactory(catalog=second, flashcard=flashcard)
    strengths = {}
    for n, flashcard in enumerate(cards[:20]):
        stability, last = 1.5 + n, now - timedelta(days=n * 1.3)
        progress(learner, flashcard, stability=stability, reviewed_days_ago=n * 1.3, due=now)
        strengths[flashcard.pk] = memory.memory_strength(
            stability=stability, last_review=last, now=now, decay=decay
        )

    summary = progress_summary(learner, now=now)

    values = list(strengths.values())
    bins = [0] * 10
    for value in values:
        bins[min(value // 10, 9)] += 1
    assert summary["memory_strength_histogram"] == bins
    assert summary["average_memory_strength"] == round(sum(values) / len(values))
    by_name = {row["name"]: row for row in summary["catalogs"]}
    assert by_name["Spanish basics"]["cards"] == 30
    assert by_name["Spanish basics"]["studied"] == 20
    assert by_name["Spanish basics"]["memory_strength"] == round(sum(values) / 30)
    assert by_name["Second"] == {
        "catalog": second.pk,
        "name": "Second",
        "cards": 3,
        "studied": 3,
        "memory_strength": round(sum(strengths[c.pk] for c in cards[:3]) / 3),
    }


def test_the_study_streak_runs_through_a_clock_change_and_stops_at_a_day_without_reviews(
    learner, card
):
    """New York falls back on 1 November 2026; with the day starting at 04:00 there, one
    review late each evening from 26 October to 3 November is nine days in a row, and a
    missed day before them ends the streak."""
    learner.settings.time_zone = "America/New_York"
    learner.settings.save()
    study_settings = study_settings_of(learner)
    study_settings.day_rollover_hour = 4
    study_settings.save()
    evenings = [datetime(2026, 10, day, 23, 30, tzinfo=UTC) for day in range(26, 32)]
    evenings += [datetime(2026, 11, day, 23, 30, tzinfo=UTC) for day in range(1, 4)]
    evenings.append(datetime(2026, 10, 24, 23, 30, tzinfo=UTC))  # the 25th is missed
    for at in evenings:
        review_record(user=learner, flashcard_id=card.pk, rating=Rating.GOOD, reviewed_at=at)

    # 4 November 12:00 UTC is 07:00 in New York: today, nothing yet; yesterday counts.
    summary = progress_summary(learner, now=datetime(2026, 11, 4, 12, 0, tzinfo=UTC))

    assert summary["study_streak"] == 9


def test_after_a_share_is_revoked_the_memory_and_history_stay_but_nothing_is_due(
    learner, teacher, shared_deck
):
    before = progress_summary(learner, now=START)
    share_revoke(share=shared_deck.shares.get(user=learner), by=teacher)

    after = progress_summary(learner, now=START)

    assert (before["due_now"], after["due_now"]) == (3, 0)
    assert sum(day["due"] for day in after["forecast"]) == 0
    # What the learner remembers and the reviews they did are theirs still.
    assert after["levels"] == before["levels"] == {"Level 1": 5}
    assert after["memory_strength_histogram"] == before["memory_strength_histogram"]
    assert after["retention_30d"] == before["retention_30d"] == 1.0
