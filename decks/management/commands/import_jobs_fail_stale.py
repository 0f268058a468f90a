from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from decks.services.imports import import_jobs_fail_stale


class Command(BaseCommand):
    help = (
        "Mark imports still running long after they started as failed (their worker died). "
        "Run it from cron, e.g. every 10 minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--minutes",
            type=int,
            default=60,
            help="How long an import may run before it counts as dead (default 60).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = import_jobs_fail_stale(older_than=timedelta(minutes=options["minutes"]))
        self.stdout.write(f"{failed} stale import job(s) marked as failed.")
