import random
import statistics
from datetime import timedelta

import fsrs
import fsrs_rs_python as fsrs_rs
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from quizzes import fitting
from quizzes.memory import DEFAULT_PARAMETERS
from quizzes.models import CardProgress, ParameterFit, ReviewLog, StudySettings
from quizzes.selectors.settings import study_settings_of
from quizzes.services.optimizer import (
    FitAlreadyRunning,
    TooFewReviews,
    parameter_fit_request,
    parameter_fit_run,
    parameter_fits_queue_due,
    review_histories,
)
from quizzes.services.reviews import progress_replay
from quizzes.tests.synthetic import STRONG_MEMORY, store_history, synthetic_reviews

pytestmark = pytest.mark.django_db


def histories(reviews):
    rows = ((number, moment.timestamp(), rating) for number, moment, rating in reviews)
    return fitting.histories_of(rows, clock=fitting.StudyClock())


def test_a_fit_is_kept_for_a_memory_that_lasts_longer_than_the_defaults_say():
    outcome = fitting.fit_and_keep(histories(synthetic_reviews(parameters=STRONG_MEMORY)))

    assert outcome.kept
    assert outcome.fitted.log_loss < outcome.default.log_loss
    assert outcome.fitted.rmse_bins < outcome.default.rmse_bins
    # Memory lasts longer: the fitted first-review stabilities are longer than the defaults.
    assert outcome.parameters[2] > DEFAULT_PARAMETERS[2]
    fsrs.Scheduler(parameters=outcome.parameters)


def test_a_fit_is_refused_for_a_memory_that_follows_the_defaults():
    outcome = fitting.fit_and_keep(histories(synthetic_reviews(parameters=DEFAULT_PARAMETERS)))

    assert not outcome.kept
    assert outcome.kept_metrics == outcome.default
    assert fitting.health_of(outcome).verdict == "defaults_better"


def test_the_held_out_figures_are_fsrs_rs_own_time_series_evaluation():
    # The same split, predictions and RMSE(bins) as fsrs-rs's evaluate_with_time_series_splits
    # (and so as Anki's "evaluate"): a learner's figures compare with FSRS's published ones.
    learner = histories(synthetic_reviews(parameters=STRONG_MEMORY))

    outcome = fitting.fit_and_keep(learner)
    reference = fsrs_rs.evaluate_with_time_series_splits(fitting.training_items(learner))

    assert outcome.fitted.log_loss == pytest.approx(reference.log_loss, abs=1e-5)
    assert outcome.fitted.rmse_bins == pytest.approx(reference.rmse_bins, abs=1e-5)


def test_rmse_bins_by_chance_is_what_a_perfectly_calibrated_model_scores():
    rng = random.Random(3)
    predictions = [rng.uniform(0.5, 0.98) for _ in range(1500)]
    bins = [(rng.randrange(25), 0, 0) for _ in predictions]
    scores = []
    for _ in range(200):  # outcomes drawn from the predictions themselves: perfect calibration
        targets = [
            fitting.Target(0.0, 0, 1, 1, rng.random() < p, b)
            for p, b in zip(predictions, bins, strict=True)
        ]
        scores.append(fitting.metrics_of(predictions, targets))

    chance, spread = scores[0].rmse_bins_by_chance, scores[0].rmse_bins_by_chance_sd
    assert statistics.fmean(s.rmse_bins for s in scores) == pytest.approx(chance, rel=0.1)
    assert statistics.pstdev(s.rmse_bins for s in scores) == pytest.approx(spread, rel=0.3)


def test_fitted_values_are_clamped_to_what_py_fsrs_accepts():
    parameters = list(DEFAULT_PARAMETERS)
    parameters[9] = 0.800000011920929  # float32's 0.8, above py-fsrs's upper bound
    parameters[0] = -1.0

    clamped = fitting.clamp(parameters)

    assert clamped[9] == 0.8
    assert clamped[0] == 0.001
    fsrs.Scheduler(parameters=clamped)


def test_same_day_reviews_stay_in_the_history_but_only_later_days_are_targets():
    day = 86_400
    rows = [(7, 0, 1), (7, 600, 3), (7, day, 3), (7, day + 60, 3), (7, 4 * day, 1)]

    result = fitting.histories_of(rows, clock=fitting.StudyClock(rollover_hour=0))

    assert result.reviews == 5
    assert [target.position for target in result.targets] == [2, 4]
    assert [target.delta_t for target in result.targets] == [1, 3]
    assert [target.recalled for target in result.targets] == [True, False]


def test_study_days_follow_the_learners_time_zone_and_rollover_hour():
    clock = fitting.StudyClock(time_zone="Asia/Tokyo", rollover_hour=4)
    evening = 1_700_000_000 - 1_700_000_000 % 86_400 + 10 * 3600  # 19:00 in Tokyo
    after_midnight = evening + 6 * 3600  # 01:00 the next calendar day: still that study day

    assert clock.day_of(after_midnight) == clock.day_of(evening)
    assert clock.day_of(after_midnight + 3 * 3600) == clock.day_of(evening) + 1


@pytest.mark.parametrize(
    ("targets", "default", "fitted", "kept", "verdict", "trustworthy"),
    [
        (5000, (0.35, 0.05), (0.32, 0.03), True, "healthy", True),
        (5000, (0.35, 0.05), (0.3495, 0.04), True, "small_gain", True),
        (600, (0.35, 0.05), (0.32, 0.03), True, "few_reviews", False),
        (5000, (0.45, 0.12), (0.42, 0.09), True, "hard_to_predict", False),
        (5000, (0.35, 0.05), (0.36, 0.05), False, "defaults_better", True),
    ],
)
def test_the_health_check_says_whether_to_trust_a_fit(
    targets, default, fitted, kept, verdict, trustworthy
):
    outcome = fitting.FitOutcome(
        reviews=targets * 2,
        targets=targets,
        default=fitting.Metrics(*default),
        fitted=fitting.Metrics(*fitted),
        kept=kept,
        parameters=DEFAULT_PARAMETERS,
    )

    health = fitting.health_of(outcome)

    assert (health.verdict, health.trustworthy) == (verdict, trustworthy)
    assert health.message


def test_too_little_history_is_refused_by_the_fit():
    with pytest.raises(fitting.NotEnoughHistory):
        fitting.fit_and_keep(histories(synthetic_reviews(cards=5)))


def replayed(card, study_settings):
    """The card's progress replayed from its history with these settings."""
    progress = CardProgress(user=card.user, flashcard=card.flashcard)
    logs = ReviewLog.objects.filter(flashcard=card.flashcard)
    progress_replay(progress=progress, logs=logs, study_settings=study_settings)
    return progress


def learner_with_reviews(**synthetic):
    user = UserFactory()
    store_history(user, synthetic_reviews(**synthetic))
    return user


def strong_learner():
    return learner_with_reviews(parameters=STRONG_MEMORY)


def test_a_kept_fit_becomes_the_learners_parameters_and_reschedules_their_cards(
    django_capture_on_commit_callbacks,
):
    user = strong_learner()

    with django_capture_on_commit_callbacks(execute=True):
        fit = parameter_fit_request(user=user)

    fit.refresh_from_db()
    assert fit.status == ParameterFit.Status.DONE
    assert fit.kept
    assert fit.log_loss_fitted < fit.log_loss_default
    assert fit.reviews == 1977
    study_settings = study_settings_of(user)
    assert study_settings.fsrs_parameters == fit.parameters
    card = CardProgress.objects.filter(user=user).order_by("pk").first()
    assert card.stability == pytest.approx(replayed(card, study_settings).stability)
    assert card.stability > replayed(card, StudySettings(user=user)).stability


def test_a_refused_fit_leaves_the_learner_on_the_defaults(django_capture_on_commit_callbacks):
    user = UserFactory()
    store_history(user, synthetic_reviews(parameters=DEFAULT_PARAMETERS))
    study_settings = study_settings_of(user)
    study_settings.fsrs_parameters = list(STRONG_MEMORY)  # an old fit
    study_settings.save()

    with django_capture_on_commit_callbacks(execute=True):
        fit = parameter_fit_request(user=user)

    fit.refresh_from_db()
    assert (fit.status, fit.kept) == (ParameterFit.Status.DONE, False)
    assert study_settings_of(user).fsrs_parameters is None


def test_too_few_reviews_are_refused_with_how_many_are_needed(learner):
    store_history(learner, synthetic_reviews(cards=10))

    with pytest.raises(TooFewReviews) as refused:
        parameter_fit_request(user=learner)

    assert refused.value.extra()["reviews_needed"] == 400
    assert "at least 400 reviews" in refused.value.messages[0]
    assert not ParameterFit.objects.exists()


def test_a_second_request_while_one_runs_reports_the_running_one(learner):
    running = ParameterFit.objects.create(user=learner, status=ParameterFit.Status.RUNNING)

    with pytest.raises(FitAlreadyRunning) as refused:
        parameter_fit_request(user=learner)

    assert refused.value.fit == running
    assert ParameterFit.objects.count() == 1


def test_a_fit_whose_worker_died_does_not_block_the_next(
    learner, django_capture_on_commit_callbacks
):
    store_history(learner, synthetic_reviews(parameters=DEFAULT_PARAMETERS))
    dead = ParameterFit.objects.create(user=learner, status=ParameterFit.Status.RUNNING)
    ParameterFit.objects.filter(pk=dead.pk).update(created_at=timezone.now() - timedelta(hours=2))

    with django_capture_on_commit_callbacks(execute=True):
        parameter_fit_request(user=learner)

    dead.refresh_from_db()
    assert dead.status == ParameterFit.Status.FAILED
    assert ParameterFit.objects.filter(status=ParameterFit.Status.DONE).count() == 1


def test_a_fit_runs_once(learner):
    store_history(learner, synthetic_reviews(parameters=DEFAULT_PARAMETERS))
    fit = ParameterFit.objects.create(user=learner, status=ParameterFit.Status.DONE, reviews=1)

    assert parameter_fit_run(fit_id=fit.pk).reviews == 1


def test_a_history_with_no_review_on_a_later_day_fails_the_fit_with_a_reason(learner):
    reviews = [(n, moment, rating) for n, moment, rating in synthetic_reviews(cards=500)]
    firsts = {}
    for number, moment, rating in reviews:
        firsts.setdefault(number, (number, moment, rating))
    store_history(learner, list(firsts.values()))
    fit = ParameterFit.objects.create(user=learner)

    fit = parameter_fit_run(fit_id=fit.pk)

    assert fit.status == ParameterFit.Status.FAILED
    assert "later day" in fit.detail


def test_the_fit_reads_the_reviews_in_a_bounded_number_of_queries():
    counts = []
    for cards in (100, 600):
        user = UserFactory()
        store_history(user, synthetic_reviews(parameters=STRONG_MEMORY, cards=cards))
        fit = ParameterFit.objects.create(user=user)
        with CaptureQueriesContext(connection) as queries:
            parameter_fit_run(fit_id=fit.pk)
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[0] <= 12


def test_the_weekly_run_queues_learners_with_enough_reviews_and_no_recent_fit(
    django_capture_on_commit_callbacks,
):
    due = learner_with_reviews(cards=150)
    fitted_lately = learner_with_reviews(cards=150)
    ParameterFit.objects.create(user=fitted_lately, status=ParameterFit.Status.DONE)
    learner_with_reviews(cards=10)  # a beginner
    fitted_long_ago = learner_with_reviews(cards=150)
    old = ParameterFit.objects.create(user=fitted_long_ago, status=ParameterFit.Status.DONE)
    ParameterFit.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))

    with django_capture_on_commit_callbacks(execute=True):
        queued = parameter_fits_queue_due()

    assert queued == 2
    done = ParameterFit.objects.filter(status=ParameterFit.Status.DONE, fitted_at__isnull=False)
    assert set(done.values_list("user", flat=True)) == {due.pk, fitted_long_ago.pk}


def test_the_weekly_command_says_how_many_fits_it_queued(capsys):
    call_command("fsrs_optimize_due")

    assert "0 parameter fit(s) queued." in capsys.readouterr().out


def test_the_database_reads_review_times_as_the_exact_unix_seconds(learner):
    reviews = synthetic_reviews(cards=3)
    store_history(learner, reviews)

    read = review_histories(learner)

    moments = sorted(moment.timestamp() for _, moment, _ in reviews)
    assert read.reviews == len(reviews)
    later = sorted(target.moment for target in read.targets)
    assert all(any(abs(m - t) < 0.01 for m in moments) for t in later)
