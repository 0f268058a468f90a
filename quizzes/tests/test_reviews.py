"""The review service: FSRS scheduling, bookkeeping and idempotency, with time moved."""

import uuid
from datetime import timedelta

import fsrs
import pytest
import time_machine

from quizzes import memory
from quizzes.models import CardProgress, CardState, Rating, ReviewLog
from quizzes.selectors.settings import study_settings_of
from quizzes.services.reviews import progress_reschedule, review_record
from quizzes.tests.conftest import START

pytestmark = pytest.mark.django_db


def review(user, card, rating, at, **extra):
    return review_record(user=user, flashcard_id=card.pk, rating=rating, reviewed_at=at, **extra)


def strength(progress, at):
    return memory.memory_strength(
        stability=progress.stability, last_review=progress.last_review, now=at, decay=0.1542
    )


def test_a_first_good_review_takes_the_card_to_its_second_learning_step(learner, card):
    outcome = review(learner, card, Rating.GOOD, START)

    progress = outcome.progress
    assert progress.state == CardState.LEARNING
    assert progress.step == 1
    assert progress.due == START + timedelta(minutes=10)
    assert (progress.reps, progress.lapses, progress.streak) == (1, 0, 1)
    log = ReviewLog.objects.get()
    assert log.state_before == {"state": CardState.NEW}
    assert log.state_after["state"] == CardState.LEARNING
    assert log.rating == Rating.GOOD


def test_the_state_matches_py_fsrs_step_by_step(learner, card):
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    expected = fsrs.Card(card_id=1)
    at = START
    for rating in (Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.EASY):
        progress = review(learner, card, rating, at).progress
        expected, _ = scheduler.review_card(expected, fsrs.Rating(rating), review_datetime=at)
        assert progress.state == expected.state.value
        assert progress.stability == pytest.approx(expected.stability)
        assert progress.difficulty == pytest.approx(expected.difficulty)
        assert progress.due == expected.due
        at = expected.due + timedelta(hours=1)


def learnt(learner, card):
    """Two Goods: the card graduates to Review."""
    review(learner, card, Rating.GOOD, START)
    return review(learner, card, Rating.GOOD, START + timedelta(minutes=10)).progress


def test_forgetting_a_learnt_card_is_a_lapse_and_relearning_brings_it_back(learner, card):
    progress = learnt(learner, card)
    assert progress.state == CardState.REVIEW

    lapse = review(learner, card, Rating.AGAIN, progress.due).progress
    assert lapse.state == CardState.RELEARNING
    assert (lapse.lapses, lapse.streak, lapse.best_streak) == (1, 0, 2)
    assert lapse.due == progress.due + timedelta(minutes=10)

    back = review(learner, card, Rating.GOOD, lapse.due).progress
    assert back.state == CardState.REVIEW
    assert back.streak == 1


def test_again_while_learning_is_not_a_lapse(learner, card):
    review(learner, card, Rating.GOOD, START)

    progress = review(learner, card, Rating.AGAIN, START + timedelta(minutes=10)).progress

    assert progress.lapses == 0
    assert progress.state == CardState.LEARNING


def test_a_card_that_lapses_often_becomes_a_leech_and_is_suspended_when_asked(learner, card):
    study_settings = study_settings_of(learner)
    study_settings.leech_threshold = 2
    study_settings.suspend_leeches = True
    study_settings.save()
    at = START
    progress = learnt(learner, card)
    for _ in range(2):
        at = progress.due
        progress = review(learner, card, Rating.AGAIN, at).progress
        progress = review(learner, card, Rating.GOOD, progress.due).progress

    assert progress.lapses == 2
    assert progress.is_leech
    assert progress.suspended


def test_memory_strength_falls_with_the_days_and_rises_after_a_good_review(learner, card):
    progress = learnt(learner, card)
    right_after = strength(progress, progress.last_review)
    a_week_later = strength(progress, progress.last_review + timedelta(days=7))
    a_month_later = strength(progress, progress.last_review + timedelta(days=30))

    assert right_after == 100
    assert right_after > a_week_later > a_month_later > 0

    again = review(learner, card, Rating.GOOD, progress.last_review + timedelta(days=30)).progress
    assert strength(again, again.last_review) == 100
    assert again.stability > progress.stability


def test_a_card_never_studied_has_no_strength_and_is_new():
    assert memory.memory_strength(stability=None, last_review=None, now=START, decay=0.15) == 0
    assert memory.level_of(None).name == "New"


@pytest.mark.parametrize(
    ("stability", "level"),
    [
        (0.2, "Building"),
        (1, "Level 1"),
        (6.9, "Level 1"),
        (7, "Level 2"),
        (29, "Level 2"),
        (30, "Level 3"),
        (90, "Level 4"),
        (364, "Level 4"),
        (365, "Mastery"),
        (4000, "Mastery"),
    ],
)
def test_levels_follow_stability(stability, level):
    assert memory.level_of(stability).name == level


def test_the_same_client_review_id_twice_is_one_review(learner, card):
    review_id = uuid.uuid4()
    first = review(learner, card, Rating.GOOD, START, client_review_id=review_id)

    second = review(
        learner, card, Rating.AGAIN, START + timedelta(hours=1), client_review_id=review_id
    )

    assert second.duplicate
    assert second.review_log.pk == first.review_log.pk
    assert ReviewLog.objects.count() == 1
    progress = CardProgress.objects.get()
    assert (progress.reps, progress.state, progress.due) == (
        1,
        CardState.LEARNING,
        first.progress.due,
    )


def test_a_review_older_than_the_last_is_slotted_into_the_history(learner, card, spanish):
    """Offline on the phone, online on the laptop: the late review is replayed in order."""
    times = [START, START + timedelta(minutes=10), START + timedelta(days=3)]
    review(learner, card, Rating.GOOD, times[0])
    review(learner, card, Rating.GOOD, times[2])

    late = review(learner, card, Rating.GOOD, times[1], source=ReviewLog.Source.SYNC)

    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    expected = fsrs.Card(card_id=1)
    for at in times:
        expected, _ = scheduler.review_card(expected, fsrs.Rating.Good, review_datetime=at)
    progress = CardProgress.objects.get()
    assert progress.due == expected.due
    assert progress.stability == pytest.approx(expected.stability)
    assert progress.reps == 3
    assert late.progress.last_review == times[2]
    logs = list(ReviewLog.objects.order_by("reviewed_at"))
    assert [log.state_before["state"] for log in logs] == [0, 1, 2]


def test_changing_desired_retention_reschedules_from_the_history(
    learner, card, django_capture_on_commit_callbacks
):
    from quizzes.services.settings import learning_settings_update

    progress = learnt(learner, card)
    review(learner, card, Rating.GOOD, progress.due)
    before = CardProgress.objects.get().due

    with django_capture_on_commit_callbacks(execute=True):
        learning_settings_update(user=learner, desired_retention=0.80)

    after = CardProgress.objects.get()
    assert after.due > before, "lower retention, longer intervals"
    assert after.reps == 3


def test_reschedule_reports_how_many_cards_changed(learner, card):
    learnt(learner, card)
    assert progress_reschedule(user_id=learner.pk) == 0, "same settings, same schedule"

    study_settings = study_settings_of(learner)
    study_settings.desired_retention = 0.95
    study_settings.save()

    assert progress_reschedule(user_id=learner.pk) == 1


def test_fuzzing_spreads_intervals_within_fsrs_range(learner, card, settings):
    import random

    random.seed(7)  # py-fsrs draws its fuzz from the module-level generator
    settings.FSRS_ENABLE_FUZZING = True
    progress = learnt(learner, card)
    with time_machine.travel(progress.due, tick=False):
        progress = review(learner, card, Rating.EASY, progress.due).progress
    unfuzzed = fsrs.Scheduler(enable_fuzzing=False)
    card_state = memory.card_of(progress)
    interval = (progress.due - progress.last_review).days
    plain = unfuzzed._next_interval(stability=card_state.stability)
    # py-fsrs's widest fuzz: 1 day + 15 % of the first 20 days + 5 % beyond.
    assert abs(interval - plain) <= 1 + 0.15 * min(plain, 20) + 0.05 * max(0, plain - 20)
