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
