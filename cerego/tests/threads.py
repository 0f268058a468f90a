"""Real threads for concurrency tests: all start together, each with its own connection."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_at_once(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job together, wait for all, and return their results in order.

    Any exception a job raised fails the calling test, after every thread is done.
    """
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results
