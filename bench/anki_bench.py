"""How the Anki import scales with the notes of a package.

    .venv/bin/python bench/anki_bench.py              # 20k and 40k notes
    .venv/bin/python bench/anki_bench.py 20000 40000 80000

Generates packages (genanki, then copied in SQL) whose collection has no index on
`cards.nid`, as some tools write them, reads each through the importer as the worker does
(unpack, read every note) and prints the seconds (fastest of five runs), the statements
the importer ran against the collection, and the ratio to the first size: linear means
about 2× for twice the notes.
"""

import io
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also run as a script
from bench import django_setup

django_setup()

from decks.importers.anki import parse_apkg  # noqa: E402
from decks.tests.anki_fixtures import anki_package  # noqa: E402

REPEATS = 5  # the fastest of five runs: the machine is shared


def bench(notes: int) -> tuple[float, int, int]:
    package = anki_package(notes, cards_indexed=False)
    runs = [_read(package, notes) for _ in range(REPEATS)]
    return min(seconds for seconds, _ in runs), runs[0][1], len(package)


def _read(package: bytes, notes: int) -> tuple[float, int]:
    statements: list[str] = []
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):  # count what the importer asks of the collection
        connection = real_connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    sqlite3.connect = connect
    try:
        started = time.perf_counter()
        parsed = parse_apkg(io.BytesIO(package))
        elapsed = time.perf_counter() - started
    finally:
        sqlite3.connect = real_connect
    assert len(parsed.rows) == notes
    return elapsed, len(statements)


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [20_000, 40_000]
    print("notes    package KB  seconds  statements  × first")
    first = None
    for notes in sizes:
        seconds, statements, size = bench(notes)
        first = first or seconds
        ratio = seconds / first
        print(f"{notes:<8} {size / 1000:<11.0f} {seconds:<8.2f} {statements:<11} {ratio:.2f}")


if __name__ == "__main__":
    main()
