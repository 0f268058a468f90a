"""Background work of the quizzes app."""

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task()
def progress_reschedule_task(user_id: int) -> int:
    """Reschedule a learner's cards after their retention or parameters changed."""
    from quizzes.services.reviews import progress_reschedule

    changed = progress_reschedule(user_id=user_id)
    logger.info("rescheduled %s cards of user %s", changed, user_id)
    return changed


@task()
def parameter_fit_task(fit_id: int) -> str:
    """Fit a learner's FSRS parameters to their reviews; returns the fit's status."""
    from quizzes.services.optimizer import parameter_fit_run

    fit = parameter_fit_run(fit_id=fit_id)
    logger.info(
        "parameter fit %s of user %s: %s, kept %s", fit.pk, fit.user_id, fit.status, fit.kept
    )
    return fit.status
