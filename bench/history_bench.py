"""How fast an Anki package imports with its review history, on a real learner's history.

    .venv/bin/python bench/history_bench.py                     # the largest history
    .venv/bin/python bench/history_bench.py tooyond-anki_zikao  # another learner
    DATABASE_URL=postgresql://… .venv/bin/python bench/history_bench.py

Reads a learner's `reviews.csv` from ../shared/data/revlogs/ (real Anki revlogs, numbers
only; see its README), builds an .apkg with one note per card of that history and the
reviews as its revlog (ratings as the README normalised them, so scheduler version 2),
and runs it through the import job exactly as the worker does: read the package, write
the cards, record every review and rebuild each card's memory through the scheduler.
Prints the seconds (wall clock, and this process's CPU time, which the other work on a
shared machine does not inflate), the reviews imported and skipped and the queries. Uses a temporary
SQLite file unless DATABASE_URL is set (its database must be disposable: the benchmark
migrates it and adds rows).
"""

import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # also run as a script
from bench import django_setup  # noqa: E402

django_setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from decks.models import ImportJob, Language  # noqa: E402
from decks.services.imports import import_job_run  # noqa: E402
from decks.services.languages import languages_seed  # noqa: E402
from decks.tests.anki_fixtures import anki_package  # noqa: E402

REVLOGS = ROOT.parent / "shared" / "data" / "revlogs"
LARGEST = "mbcx4ts5-AnkiAnalysis"
FACTOR = 2500  # a non-zero factor: none of these reviews is cramming
ATTEMPTS = os.environ.get("BENCH_ATTEMPTS", "first,again").split(",")


def package_of(reviews_csv: Path) -> tuple[bytes, int, int]:
    """A learner's history as an .apkg, with its number of cards and reviews."""
    with reviews_csv.open(newline="") as file:
        rows = list(csv.DictReader(file))
    cards = {card: number for number, card in enumerate(dict.fromkeys(r["card"] for r in rows))}
    revlog = [
        (
            int(r["reviewed_at_ms"]),
            cards[r["card"]],
            int(r["rating"]),
            int(r["duration_ms"]),
            int(r["review_kind"]),
            FACTOR,
        )
        for r in rows
    ]
    return anki_package(len(cards), revlog=revlog), len(cards), len(revlog)


def run(user: User, package: bytes, name: str) -> ImportJob:
    # Stored as import_job_create stores it, but not queued: the run is what we measure.
    job = ImportJob(
        owner=user,
        file_name=f"{name}.apkg",
        file_format="apkg",
        language=Language.objects.get(code="es"),
    )
    job.file.save(job.file_name, ContentFile(package))
    job = import_job_run(job_id=job.pk)
    assert job.status == "done", job.detail
    return job


def main() -> None:
    learner = sys.argv[1] if len(sys.argv) > 1 else LARGEST
    call_command("migrate", verbosity=0)
    languages_seed()
    package, cards, reviews = package_of(REVLOGS / learner / "reviews.csv")
    print(f"database: {connection.vendor}; {learner}: {cards:,} cards, {reviews:,} reviews")
    print("run      seconds  CPU s  cards   imported  skipped  queries")
    # A new learner each time the benchmark runs (a kept database holds the last ones).
    name = f"bench-{time.time_ns()}"
    user = User.objects.create(username=name, email=f"{name}@example.com")
    for attempt in ATTEMPTS:  # again: the same learner, nothing new to record
        started, cpu_started = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            job = run(user, package, learner)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(
            f"{attempt:<8} {elapsed:<8.2f} {cpu:<6.2f} {job.created_count:<7} "
            f"{job.reviews_imported:<9} "
            f"{job.reviews_skipped:<8} {len(queries)}"
        )


if __name__ == "__main__":
    main()
