"""django-tasks-db's `db_worker`, surviving database restarts.

Their worker lets any database error other than "locked" escape its loop, so a PostgreSQL
restart or failover of a few seconds ended the process and queued imports waited for
someone to start it again. This command runs their worker unchanged and, when it stops on
a lost connection, closes the dead connections, waits (doubling from RETRY_DELAY_FIRST up to
RETRY_DELAY_MAX seconds) and starts it again. It shadows theirs because "cerego" comes
before "django_tasks_db" in INSTALLED_APPS.
"""

import logging
import time
from contextlib import suppress
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("django_tasks_db")

RETRY_DELAY_FIRST = 0.5
RETRY_DELAY_MAX = 5.0


def _close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        with suppress(OperationalError, InterfaceError):  # closing a dead socket may complain
            connection.close()


class Command(db_worker.Command):
    help = "Run a database background worker; it waits out database outages."

    def handle(self, *args: Any, **options: Any) -> None:
        delay = RETRY_DELAY_FIRST
        while True:
            started = time.monotonic()
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as error:
                if time.monotonic() - started > RETRY_DELAY_MAX:
                    delay = RETRY_DELAY_FIRST  # it ran fine for a while: a new outage
                logger.warning("database unavailable, worker retrying in %.1f s: %s", delay, error)
                _close_connections()
                time.sleep(delay)
                delay = min(delay * 2, RETRY_DELAY_MAX)
