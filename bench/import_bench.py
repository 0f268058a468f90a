"""How fast the CSV import writes cards, and how much memory it needs.

    .venv/bin/python bench/import_bench.py            # 10k and 50k rows, SQLite
    DATABASE_URL=postgresql://… .venv/bin/python bench/import_bench.py 10000 50000

Generates a CSV, runs it through the import job exactly as the background task does
(read, check, write in one transaction) and prints rows per second, the number of queries
and the peak Python memory (tracemalloc). Uses a temporary SQLite file unless DATABASE_URL
is set (then its database must be disposable: the benchmark migrates it and adds rows).
"""

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also run as a script
from bench import django_setup

django_setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.anki_compare import csv_rows as make_csv  # noqa: E402
from decks.models import ImportJob  # noqa: E402
from decks.services.imports import import_job_run  # noqa: E402
from decks.services.languages import languages_seed  # noqa: E402


def store(user: User, content: bytes, rows: int) -> ImportJob:
    # Stored as import_job_create stores it, but not queued: the run is what we measure.
    job = ImportJob(owner=user, file_name=f"bench-{rows}.csv", file_format="csv")
    job.file.save(job.file_name, ContentFile(content))
    return job


def run(job: ImportJob, rows: int) -> ImportJob:
    job = import_job_run(job_id=job.pk)
    assert job.status == "done", job.detail
    assert job.created_count == rows
    return job


def bench(user: User, rows: int) -> dict[str, float]:
    """Time one import, then measure memory in a second one (tracemalloc slows Python):
    the worker's run, not the upload's copies of the file before it."""
    content = make_csv(rows)
    job = store(user, content, rows)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        run(job, rows)
    elapsed = time.perf_counter() - started
    job = store(user, content, rows)
    tracemalloc.start()
    run(job, rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": rows,
        "file_mb": len(content) / 1e6,
        "seconds": elapsed,
        "rows_per_second": rows / elapsed,
        "queries": len(queries),
        "peak_mb": peak / 1e6,
    }


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [10_000, 50_000]
    call_command("migrate", verbosity=0)
    languages_seed()
    user, _ = User.objects.get_or_create(username="bench", defaults={"email": "bench@example.com"})
    print(f"database: {connection.vendor}")
    print("rows     file MB  seconds  rows/s    queries  peak MB")
    for rows in sizes:
        print(line(bench(user, rows)))


def line(r: dict[str, float]) -> str:
    return (
        f"{r['rows']:<8} {r['file_mb']:<8.1f} {r['seconds']:<8.2f} "
        f"{r['rows_per_second']:<9.0f} {r['queries']:<8} {r['peak_mb']:.0f}"
    )


if __name__ == "__main__":
    main()
