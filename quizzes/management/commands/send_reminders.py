from typing import Any

from django.core.management.base import BaseCommand

from quizzes.services.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Mail the daily reminder to every learner who opted in, is past their reminder hour "
        "in their time zone, was not reminded yet this study day and has cards due. Safe to "
        "run as often as you like (the compose file's reminders service runs it every 15 "
        "minutes): nobody gets two reminders the same day."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent.")
