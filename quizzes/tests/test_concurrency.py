"""Two devices at once lose nothing and double-count nothing (real threads, real database)."""

import uuid
from datetime import timedelta

import fsrs
import pytest

from accounts.tests.factories import UserFactory
from cerego.tests.threads import run_at_once
from decks.signals import ImportedReview
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory
from quizzes.models import CardProgress, ReviewLog
from quizzes.services.history import review_history_import
from quizzes.services.sync import SyncItem, reviews_sync
from quizzes.tests.conftest import START

pytestmark = pytest.mark.django_db(transaction=True)

NOW = START + timedelta(days=400)


def serial_state(times, ratings):
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=1)
    for at, rating in sorted(zip(times, ratings, strict=True)):
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=at)
    return card


@pytest.fixture
def studied_card(quiz_types):
    user = UserFactory()
    membership = CatalogFlashcardFactory(catalog=CatalogFactory(owner=user))
    type(membership.flashcard).objects.filter(pk=membership.flashcard_id).update(
        created_at=START - timedelta(days=1)
    )
    return user, membership.flashcard


def assert_state(user, flashcard, times, ratings):
    expected = serial_state(times, ratings)
    progress = CardProgress.objects.get(user=user, flashcard=flashcard)
    assert ReviewLog.objects.filter(user=user).count() == len(times)
    assert progress.reps == len(times)
    assert progress.due == expected.due
    assert progress.stability == pytest.approx(expected.stability)
    assert progress.difficulty == pytest.approx(expected.difficulty)


def test_twenty_devices_reviewing_one_card_at_once_end_in_the_serial_state(studied_card):
    user, flashcard = studied_card
    times = [START + timedelta(hours=6 * i) for i in range(20)]
    ratings = [3, 3, 1, 3, 4] * 4

    def device(i):
        return lambda: reviews_sync(
            user=user,
            items=[SyncItem(uuid.uuid4(), flashcard.pk, ratings[i], times[i])],
            now=NOW,
        )

    run_at_once([device(i) for i in range(20)])

    assert_state(user, flashcard, times, ratings)


def test_two_overlapping_batches_synced_at_once_end_in_the_state_of_one(studied_card):
    user, flashcard = studied_card
    times = [START + timedelta(hours=12 * i) for i in range(15)]
    ratings = [3, 4, 3, 1, 3] * 3
    items = [
        SyncItem(uuid.uuid4(), flashcard.pk, r, t) for t, r in zip(times, ratings, strict=True)
    ]
    results = {}

    def device(name, batch):
        def job():
            results[name] = reviews_sync(user=user, items=batch, now=NOW)

        return job

    run_at_once([device("phone", items[:10]), device("tablet", items[5:])])

    assert_state(user, flashcard, times, ratings)
    statuses = [r["status"] for r in results["phone"] + results["tablet"]]
    assert statuses.count("applied") == 15
    assert statuses.count("duplicate") == 5


def test_two_answers_to_one_quiz_at_once_both_land(studied_card):
    """A wrong answer re-draws the next question while that one is being answered."""
    from quizzes.models import Quiz
    from quizzes.services.quizzes import quiz_answer_submit, quiz_create

    user, flashcard = studied_card
    catalog = flashcard.memberships.get().catalog
    for _ in range(4):
        CatalogFlashcardFactory(catalog=catalog, flashcard__owner=user)
    quiz = quiz_create(user=user, catalog=catalog, size=2, quiz_types=["typed"], now=NOW)
    first, second = quiz.questions.order_by("position")

    run_at_once(
        [
            lambda: quiz_answer_submit(
                user=user, quiz_id=quiz.pk, question_id=first.pk, answer="wrong", now=NOW
            ),
            lambda: quiz_answer_submit(
                user=user, quiz_id=quiz.pk, question_id=second.pk, answer="wrong", now=NOW
            ),
        ]
    )

    quiz = Quiz.objects.get()
    assert (quiz.answered_count, quiz.completed_at) == (2, NOW)


def test_one_review_id_sent_for_two_cards_at_once_is_one_review(studied_card):
    user, flashcard = studied_card
    other = CatalogFlashcardFactory(catalog=flashcard.memberships.get().catalog).flashcard
    type(other).objects.filter(pk=other.pk).update(created_at=START - timedelta(days=1))
    review_id = uuid.uuid4()
    results = []

    def device(card):
        def job():
            results.extend(
                reviews_sync(user=user, items=[SyncItem(review_id, card.pk, 3, START)], now=NOW)
            )

        return job

    run_at_once([device(flashcard), device(other)])

    assert sorted(r["status"] for r in results) == ["applied", "rejected"]
    assert ReviewLog.objects.filter(user=user).count() == 1
    assert CardProgress.objects.filter(user=user).count() == 1


def test_twenty_answers_to_one_question_at_once_are_one_review(studied_card):
    """A double-tap on every device: one answer lands, the others get its result (409)."""
    from quizzes.services.quizzes import AlreadyAnswered, quiz_answer_submit, quiz_create

    user, flashcard = studied_card
    quiz = quiz_create(user=user, size=1, quiz_types=["typed"], now=NOW)
    question = quiz.questions.get()
    outcomes = []

    def tap():
        try:
            quiz_answer_submit(
                user=user, quiz_id=quiz.pk, question_id=question.pk, answer="wrong", now=NOW
            )
            outcomes.append("answered")
        except AlreadyAnswered:
            outcomes.append("already answered")

    run_at_once([tap] * 20)

    assert sorted(outcomes) == ["already answered"] * 19 + ["answered"]
    assert ReviewLog.objects.filter(user=user).count() == 1
    assert CardProgress.objects.get(user=user, flashcard=flashcard).reps == 1


def test_one_history_imported_twice_at_once_is_recorded_once(studied_card):
    user, flashcard = studied_card
    other = CatalogFlashcardFactory(catalog=flashcard.memberships.get().catalog).flashcard
    history = [
        ImportedReview(f"anki-revlog:{n}", START + timedelta(days=n * 3), 3, 4_000)
        for n in range(20)
    ]
    results = []

    def importer(card):
        def job():
            results.append(review_history_import(user=user, histories={card.pk: history}))

        return job

    # Two cards, as when the same package is imported twice: a review is the learner's once.
    run_at_once([importer(flashcard), importer(other)])

    assert sorted(result.imported for result in results) == [0, 20]
    assert ReviewLog.objects.filter(user=user).count() == 20
    assert_state(
        user,
        ReviewLog.objects.get(user=user, rating=3, reviewed_at=START).flashcard,
        [START + timedelta(days=n * 3) for n in range(20)],
        [3] * 20,
    )
