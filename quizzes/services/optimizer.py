"""Personalised FSRS parameters: a fit of the learner's own reviews, kept only if better.

A request makes a pending `ParameterFit` and queues its run after the commit; the run
reads the learner's whole review history in one query, fits and judges it
(`quizzes.fitting`), and, when the fitted parameters predict held-out reviews better
than the defaults, makes them the learner's and reschedules their cards.
"""

import logging
import time
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, FloatField, Func, OuterRef
from django.utils import timezone

from accounts.models import User
from cerego.exceptions import DomainError
from quizzes import fitting
from quizzes.models import ParameterFit, ReviewLog, StudySettings
from quizzes.selectors.optimizer import parameter_fit_report, review_count
from quizzes.selectors.settings import study_settings_of
from quizzes.tasks import parameter_fit_task, progress_reschedule_task

logger = logging.getLogger(__name__)

# A fit still pending or running after this long lost its worker: it counts as failed.
FIT_STALE_AFTER = timedelta(minutes=30)


class TooFewReviews(DomainError):
    def __init__(self, *, reviews: int, needed: int) -> None:
        super().__init__(
            f"Personalised parameters need at least {needed} reviews; you have {reviews}. "
            "Keep studying and optimise later.",
            code="too_few_reviews",
        )
        self.reviews, self.needed = reviews, needed

    def extra(self) -> dict[str, Any]:
        return {"reviews": self.reviews, "reviews_needed": self.needed}


class FitAlreadyRunning(DomainError):
    """One fit at a time: a second request gets the running one."""

    status_code = 409

    def __init__(self, fit: ParameterFit) -> None:
        super().__init__("A fit of your parameters is already running.", code="fit_running")
        self.fit = fit

    def extra(self) -> dict[str, Any]:
        return {"fit": parameter_fit_report(self.fit.user, self.fit)}


@transaction.atomic
def parameter_fit_request(*, user: User) -> ParameterFit:
    """Queue a fit of the learner's parameters (run at once by the immediate backend).

    Raises TooFewReviews under FSRS_OPTIMIZE_MIN_REVIEWS and FitAlreadyRunning while
    another fit of theirs is pending or running.
    """
    study_settings_of(user)
    # Serialises two requests of the same learner: the second sees the first's fit.
    StudySettings.objects.select_for_update().filter(user=user).get()
    parameter_fits_fail_stale(older_than=FIT_STALE_AFTER, user=user)
    running = ParameterFit.objects.filter(user=user, status__in=ParameterFit.ACTIVE).first()
    if running is not None:
        raise FitAlreadyRunning(running)
    reviews, needed = review_count(user), settings.FSRS_OPTIMIZE_MIN_REVIEWS
    if reviews < needed:
        raise TooFewReviews(reviews=reviews, needed=needed)
    try:
        with transaction.atomic():
            fit = ParameterFit.objects.create(user=user, reviews=reviews)
    except IntegrityError:  # another process made one between our read and our write
        raise FitAlreadyRunning(
            ParameterFit.objects.get(user=user, status__in=ParameterFit.ACTIVE)
        ) from None
    transaction.on_commit(partial(parameter_fit_task.enqueue, fit.pk))
    return fit


def parameter_fit_run(*, fit_id: int) -> ParameterFit:
    """Run a pending fit: fit, judge, and keep the parameters only if they are better.

    A fit that is not pending any more (run already, or failed as stale) is left alone.
    Never leaves the fit running: any error marks it failed.
    """
    claimed = ParameterFit.objects.filter(pk=fit_id, status=ParameterFit.Status.PENDING).update(
        status=ParameterFit.Status.RUNNING
    )
    fit = ParameterFit.objects.select_related("user__settings").get(pk=fit_id)
    if not claimed:
        return fit
    started = time.perf_counter()
    try:
        outcome = fitting.fit_and_keep(review_histories(fit.user))
    except fitting.NotEnoughHistory:
        return _fail(
            fit,
            "Too few of your reviews come on a later day than the card's "
            "previous review to judge a fit; keep studying and optimise later.",
        )
    except Exception:
        logger.exception("fit %s of user %s failed", fit.pk, fit.user_id)
        return _fail(fit, "The fit failed; try again later.")
    return _record(fit, outcome, seconds=time.perf_counter() - started)


def review_histories(user: User) -> fitting.Histories:
    """The learner's reviews as FSRS histories: one query, no model instances."""
    study_settings = study_settings_of(user)
    clock = fitting.StudyClock(
        time_zone=user.settings.time_zone, rollover_hour=study_settings.day_rollover_hour
    )
    rows = (
        ReviewLog.objects.filter(user=user)
        .order_by("flashcard_id", "reviewed_at", "id")
        .values_list("flashcard_id", EpochSeconds("reviewed_at"), "rating")
    )
    return fitting.histories_of(rows, clock=clock)


class EpochSeconds(Func):
    """A moment as Unix seconds, computed by the database: no datetime per review."""

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _fail(fit: ParameterFit, detail: str) -> ParameterFit:
    fit.status, fit.detail = ParameterFit.Status.FAILED, detail
    fit.save(update_fields=["status", "detail"])
    return fit


@transaction.atomic
def _record(fit: ParameterFit, outcome: fitting.FitOutcome, *, seconds: float) -> ParameterFit:
    """Save the figures; the learner's parameters become the fitted ones or the defaults."""
    fit.status = ParameterFit.Status.DONE
    fit.reviews, fit.targets, fit.seconds = outcome.reviews, outcome.targets, seconds
    fit.log_loss_default, fit.rmse_default = outcome.default.log_loss, outcome.default.rmse_bins
    fit.log_loss_fitted, fit.rmse_fitted = outcome.fitted.log_loss, outcome.fitted.rmse_bins
    fit.kept, fit.parameters = outcome.kept, list(outcome.parameters)
    fit.fitted_at = timezone.now()
    fit.save()
    study_settings = StudySettings.objects.select_for_update().get(user_id=fit.user_id)
    parameters = list(outcome.parameters) if outcome.kept else None
    if study_settings.fsrs_parameters != parameters:
        study_settings.fsrs_parameters = parameters
        study_settings.save(update_fields=["fsrs_parameters", "updated_at"])
        transaction.on_commit(partial(progress_reschedule_task.enqueue, fit.user_id))
    return fit


def parameter_fits_fail_stale(*, older_than: timedelta, user: User | None = None) -> int:
    """Mark fits pending or running for longer than `older_than` as failed (dead worker)."""
    stale = ParameterFit.objects.filter(
        status__in=ParameterFit.ACTIVE, created_at__lt=timezone.now() - older_than
    )
    if user is not None:
        stale = stale.filter(user=user)
    return stale.update(
        status=ParameterFit.Status.FAILED, detail="The fit did not finish; try again."
    )


def parameter_fits_queue_due(*, now: datetime | None = None) -> int:
    """The weekly run: queue a fit for every learner with enough reviews whose last fit
    is older than FSRS_OPTIMIZE_EVERY (or who never had one). Returns how many."""
    now = now or timezone.now()
    parameter_fits_fail_stale(older_than=FIT_STALE_AFTER)
    recent = ParameterFit.objects.filter(
        user=OuterRef("pk"), created_at__gte=now - settings.FSRS_OPTIMIZE_EVERY
    )
    enough = (
        ReviewLog.objects.values("user")
        .annotate(count=Count("id"))
        .filter(count__gte=settings.FSRS_OPTIMIZE_MIN_REVIEWS)
        .values("user")
    )
    due = User.objects.filter(pk__in=enough, is_active=True).exclude(Exists(recent))
    queued = 0
    for user in list(due.order_by("pk")):
        try:
            parameter_fit_request(user=user)
        except DomainError:
            continue  # another run got there first
        queued += 1
    return queued
