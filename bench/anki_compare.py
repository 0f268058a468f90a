"""Import and export against Anki's own library, in one run.

    .venv/bin/python -m bench.anki_compare                   # 1k, 10k, 50k notes; SQLite
    DATABASE_URL=postgresql://… .venv/bin/python -m bench.anki_compare
    .venv/bin/python -m bench.anki_compare --notes 1000 10000 --repeats 5

The same genanki packages (`decks.tests.anki_fixtures.anki_package`: Basic notes `word N`
→ `meaning N`) are imported by Anki's library (its Rust backend: a fresh Collection in a
temporary folder each time, `import_anki_package`) and by ours (the import job exactly as
the worker runs it: `import_job_run` on a stored job), medians of `--repeats` runs. Then a
deck of `--export-notes` notes is exported by each (Anki's `export_anki_package`, ours
`catalog_export_apkg`): time and file size. Then the worker's peak Python memory
(tracemalloc, during the job's run: the file is stored before) importing `--memory-rows`
rows as a CSV and as a package. Each figure is
printed with its ratio to Anki's (or to the smaller size's, for memory) and the target.

Uses a temporary SQLite file unless DATABASE_URL is set (then its database must be
disposable: the benchmark migrates it and adds rows). Without the `anki` package only our
side is measured. bench/tests/test_anki_compare.py runs `measure` at a tiny size.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Targets of issue 13, item 7.
IMPORT_TARGET = 3.0  # × Anki's import time, at TARGET_SIZES notes
IMPORT_TARGET_SIZES = (10_000, 50_000)
EXPORT_TARGET = 2.0  # × Anki's export time and file size
MEMORY_TARGET = 1.5  # peak at the largest size × peak at the smallest


@dataclass
class Figures:
    """Seconds of every run, by (side, notes); export seconds and bytes; memory peaks."""

    imports: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    exports: dict[str, list[float]] = field(default_factory=dict)
    export_bytes: dict[str, int] = field(default_factory=dict)
    memory: dict[tuple[str, int], int] = field(default_factory=dict)  # (format, rows): bytes


def anki_available() -> bool:
    try:
        import anki.collection  # noqa: F401
    except ImportError:
        return False
    return True


# --- Anki's side ------------------------------------------------------------------------


def anki_import(package: Path, folder: Path) -> tuple[float, Any]:
    """Seconds Anki's library takes to import `package` into a fresh collection; the
    collection, left open for an export."""
    from anki.collection import Collection, ImportAnkiPackageRequest

    collection = Collection(str(folder / "collection.anki2"))
    request = ImportAnkiPackageRequest(package_path=str(package))
    started = time.perf_counter()
    collection.import_anki_package(request)
    return time.perf_counter() - started, collection


def anki_export(collection: Any, out: Path) -> float:
    """Seconds Anki's library takes to export its whole collection, as its export dialog
    does by default (no scheduling, no media, the current package format)."""
    from anki.collection import ExportAnkiPackageOptions

    options = ExportAnkiPackageOptions(
        with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
    )
    started = time.perf_counter()
    collection.export_anki_package(out_path=str(out), options=options, limit=None)
    return time.perf_counter() - started


# --- Ours -------------------------------------------------------------------------------


def ours_store(user: Any, content: bytes, name: str, file_format: str = "apkg") -> Any:
    """An import job of `content`, stored as import_job_create stores it (the upload, in the
    web process), but not queued: its run is what we measure."""
    from django.core.files.base import ContentFile

    from decks.models import ImportJob, Language

    job = ImportJob(
        owner=user,
        file_name=f"{name}.{file_format}",
        file_format=file_format,
        language=Language.objects.get(code="es"),
    )
    job.file.save(job.file_name, ContentFile(content))
    return job


def ours_run(job: Any) -> Any:
    """The stored job, run as the worker runs it."""
    from decks.services.imports import import_job_run

    job = import_job_run(job_id=job.pk)
    assert job.status == "done", job.detail
    return job


def ours_import(
    user: Any, content: bytes, name: str, file_format: str = "apkg"
) -> tuple[float, Any]:
    """Seconds our import job takes, run as the worker runs it; the job."""
    job = ours_store(user, content, name, file_format)
    started = time.perf_counter()
    job = ours_run(job)
    return time.perf_counter() - started, job


def ours_export(catalog: Any) -> tuple[float, bytes]:
    from decks.services.exports import catalog_export_apkg

    started = time.perf_counter()
    data = catalog_export_apkg(catalog=catalog)
    return time.perf_counter() - started, data


def csv_rows(rows: int) -> bytes:
    """A CSV of `rows` cards, about 78 bytes a row (bench/import_bench.py's too)."""
    lines = ["front,back,hint,language"]
    lines += [
        f"palabra número {n},the word number {n} — a longer back side,hint {n % 7},es"
        for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def peak_memory(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- The run ----------------------------------------------------------------------------


def measure(
    user: Any,
    *,
    notes: list[int],
    repeats: int,
    export_notes: int,
    memory_rows: list[int],
    with_anki: bool,
    say: Callable[[str], None] = lambda line: None,
) -> Figures:
    """Every figure, Anki's and ours taking turns on each package."""
    from decks.tests.anki_fixtures import anki_package

    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="cerego-anki-compare-") as scratch:
        folder = Path(scratch)
        exported_catalog = None
        for size in sorted(set(notes) | {export_notes}):
            content = anki_package(size)
            package = folder / f"generated-{size}.apkg"
            package.write_bytes(content)
            timed = size in notes
            for attempt in range(repeats if timed else 1):
                if with_anki:
                    run_folder = Path(tempfile.mkdtemp(dir=folder))
                    seconds, collection = anki_import(package, run_folder)
                    assert collection.note_count() == size
                    if timed:
                        figures.imports.setdefault(("anki", size), []).append(seconds)
                    if size == export_notes and attempt == 0:
                        for _ in range(repeats):
                            out = run_folder / f"export-{time.time_ns()}.apkg"
                            figures.exports.setdefault("anki", []).append(
                                anki_export(collection, out)
                            )
                            figures.export_bytes["anki"] = out.stat().st_size
                    collection.close()
                seconds, job = ours_import(user, content, f"generated-{size}-{attempt}")
                assert job.created_count == size, job.detail
                if timed:
                    figures.imports.setdefault(("ours", size), []).append(seconds)
                if size == export_notes and exported_catalog is None:
                    exported_catalog = job.catalogs.get()
            say(f"imported {size} notes")
        if exported_catalog is not None:
            for _ in range(repeats):
                seconds, data = ours_export(exported_catalog)
                figures.exports.setdefault("ours", []).append(seconds)
                figures.export_bytes["ours"] = len(data)
            say("exported")
        for rows in memory_rows:
            for file_format, make in (("csv", csv_rows), ("apkg", anki_package)):
                # The worker's run only: the upload's copies of the file are the web's.
                job = ours_store(user, make(rows), f"memory-{rows}", file_format)
                figures.memory[file_format, rows] = peak_memory(partial(ours_run, job))
            say(f"memory at {rows} rows")
    return figures


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _spread(values: list[float]) -> str:
    return f"{min(values):.3f}–{max(values):.3f}"


def _verdict(ratio: float, target: float) -> str:
    return "met" if ratio <= target else "MISSED"


def report(figures: Figures, *, vendor: str) -> str:
    """The tables, as Markdown, with each ratio against its target."""
    lines = [
        f"database: {vendor}",
        "",
        "| notes | Anki s (median, spread) | ours s (median, spread) | ours ÷ Anki | target |",
        "|---|---|---|---|---|",
    ]
    sizes = sorted({size for _, size in figures.imports})
    for size in sizes:
        ours = figures.imports[("ours", size)]
        anki = figures.imports.get(("anki", size))
        if anki:
            ratio = _median(ours) / _median(anki)
            target = (
                f"≤ {IMPORT_TARGET:g}×: {_verdict(ratio, IMPORT_TARGET)}"
                if size in IMPORT_TARGET_SIZES
                else "—"
            )
            anki_cell, ratio_cell = f"{_median(anki):.3f} ({_spread(anki)})", f"{ratio:.1f}×"
        else:
            anki_cell, ratio_cell, target = "—", "—", "—"
        lines.append(
            f"| {size:,} | {anki_cell} | {_median(ours):.3f} ({_spread(ours)}) | "
            f"{ratio_cell} | {target} |"
        )
    if "ours" in figures.exports:
        lines += [
            "",
            "| export | Anki | ours | ours ÷ Anki | target |",
            "|---|---|---|---|---|",
        ]
        ours_s, ours_b = _median(figures.exports["ours"]), figures.export_bytes["ours"]
        if "anki" in figures.exports:
            anki_s, anki_b = _median(figures.exports["anki"]), figures.export_bytes["anki"]
            time_ratio, size_ratio = ours_s / anki_s, ours_b / anki_b
            lines += [
                f"| seconds | {anki_s:.3f} ({_spread(figures.exports['anki'])}) | "
                f"{ours_s:.3f} ({_spread(figures.exports['ours'])}) | {time_ratio:.1f}× | "
                f"≤ {EXPORT_TARGET:g}×: {_verdict(time_ratio, EXPORT_TARGET)} |",
                f"| file KB | {anki_b / 1000:.0f} | {ours_b / 1000:.0f} | {size_ratio:.1f}× | "
                f"≤ {EXPORT_TARGET:g}×: {_verdict(size_ratio, EXPORT_TARGET)} |",
            ]
        else:
            lines += [
                f"| seconds | — | {ours_s:.3f} | — | — |",
                f"| file KB | — | {ours_b / 1000:.0f} | — | — |",
            ]
    if figures.memory:
        lines += [
            "",
            "| format | rows | peak MB | KB a row | × smallest | target |",
            "|---|---|---|---|---|---|",
        ]
        for file_format in ("csv", "apkg"):
            sizes = sorted(rows for kind, rows in figures.memory if kind == file_format)
            for rows in sizes:
                peak = figures.memory[file_format, rows]
                ratio = peak / figures.memory[file_format, sizes[0]]
                target = (
                    f"≤ {MEMORY_TARGET:g}×: {_verdict(ratio, MEMORY_TARGET)}"
                    if rows == sizes[-1] and len(sizes) > 1
                    else "—"
                )
                lines.append(
                    f"| {file_format} | {rows:,} | {peak / 1e6:.1f} | {peak / rows / 1000:.2f} | "
                    f"{ratio:.2f}× | {target} |"
                )
    return "\n".join(lines)


def configure() -> None:
    sys.path.insert(0, str(ROOT))
    folder = tempfile.mkdtemp(prefix="cerego-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cerego.test_settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    # 200,000 rows for the memory figure: above the default limit of one import.
    os.environ.setdefault("IMPORT_MAX_CARDS", "1000000")
    os.environ.setdefault("IMPORT_MAX_BYTES", str(500 * 1024 * 1024))
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--export-notes", type=int, default=10_000)
    parser.add_argument("--memory-rows", type=int, nargs="*", default=[50_000, 200_000])
    args = parser.parse_args()
    configure()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from decks.services.languages import languages_seed

    call_command("migrate", verbosity=0)
    languages_seed()
    name = f"bench-{time.time_ns()}"  # a new learner each run (a kept database holds others)
    user = User.objects.create(username=name, email=f"{name}@example.com")
    with_anki = anki_available()
    if not with_anki:
        print("anki is not installed (scripts/setup.sh installs it): only ours is measured")
    print(f"load average at the start: {os.getloadavg()[0]:.1f}", flush=True)
    figures = measure(
        user,
        notes=args.notes,
        repeats=args.repeats,
        export_notes=args.export_notes,
        memory_rows=args.memory_rows,
        with_anki=with_anki,
        say=lambda line: print(f"  … {line}", flush=True),
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(report(figures, vendor=connection.vendor))


if __name__ == "__main__":
    main()
