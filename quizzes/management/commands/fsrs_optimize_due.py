from typing import Any

from django.core.management.base import BaseCommand

from quizzes.services.optimizer import parameter_fits_queue_due


class Command(BaseCommand):
    help = (
        "Queue a fit of the FSRS parameters of every learner with enough reviews whose last "
        "fit is older than FSRS_OPTIMIZE_EVERY_DAYS (7). Run it daily, from cron or the "
        "compose file's scheduler; the task workers do the fitting."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = parameter_fits_queue_due()
        self.stdout.write(f"{queued} parameter fit(s) queued.")
