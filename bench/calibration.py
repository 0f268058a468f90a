"""How well the fitted FSRS parameters predict real learners' recalls.

    .venv/bin/python bench/calibration.py                 # writes docs/learning-quality.md
    .venv/bin/python bench/calibration.py --day-start utc # days cut at 04:00 UTC instead
    .venv/bin/python bench/calibration.py --data DIR --output FILE

Reads every `<learner>/reviews.csv` under the data folder (default ../shared/data/revlogs:
real Anki review histories, numbers only; see its README.md), runs each through the
project's own fit-and-keep code (`quizzes.fitting.fit_and_keep`, the function the
optimizer service runs on a learner's ReviewLog) and writes per-learner held-out log loss
and RMSE(bins), default against kept, between the output's markers for that day start.

Only what the product keeps is used: card, time and rating of each review (the importer
already skips manual reschedules and entries without a rating). The learners' time zones
are unknown, so their study day starts, by default, at the beginning of their quietest six
hours (what a learner who set their time zone and a 4 am rollover gets);
`--day-start utc` cuts every day at 04:00 UTC.
"""

import argparse
import csv
import os
import platform
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cerego.test_settings")

import django  # noqa: E402

django.setup()

from quizzes import fitting  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "revlogs"
OUTPUT = ROOT / "docs" / "learning-quality.md"
TARGET_LOG_LOSS, TARGET_RMSE = 0.302, 0.035
QUIET_HOURS = 6


@dataclass(frozen=True)
class Result:
    learner: str
    outcome: fitting.FitOutcome
    rollover_utc: int
    seconds: float


def read_reviews(path: Path) -> list[tuple[int, float, int]]:
    """(card, epoch seconds, rating), in the file's card then time order."""
    with path.open(newline="") as file:
        return [
            (int(row["card"]), int(row["reviewed_at_ms"]) / 1000, int(row["rating"]))
            for row in csv.DictReader(file)
        ]


def quietest_hour(rows: list[tuple[int, float, int]]) -> int:
    """The UTC hour that starts the learner's quietest six hours: where their day ends."""
    by_hour = Counter(int(moment // 3600) % 24 for _, moment, _ in rows)
    quiet = [sum(by_hour[(h + k) % 24] for k in range(QUIET_HOURS)) for h in range(24)]
    return (min(range(24), key=lambda h: (quiet[h], h)) + QUIET_HOURS // 2) % 24


def calibrate(folder: Path, *, day_start: str) -> Result:
    rows = read_reviews(folder / "reviews.csv")
    rollover = quietest_hour(rows) if day_start == "quiet" else 4
    started = time.perf_counter()
    clock = fitting.StudyClock(time_zone="UTC", rollover_hour=rollover)
    outcome = fitting.fit_and_keep(fitting.histories_of(rows, clock=clock))
    return Result(folder.name, outcome, rollover, time.perf_counter() - started)


def table(results: list[Result]) -> list[str]:
    lines = [
        "| learner | reviews | targets | day starts (UTC) | log loss default | log loss kept "
        "| RMSE(bins) default | RMSE(bins) kept | RMSE(bins) by chance | kept | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        o, kept = r.outcome, r.outcome.kept_metrics
        lines.append(
            f"| {r.learner} | {o.reviews:,} | {o.targets:,} | {r.rollover_utc:02d}:00 "
            f"| {o.default.log_loss:.4f} | {kept.log_loss:.4f} | {o.default.rmse_bins:.4f} "
            f"| {kept.rmse_bins:.4f} | {kept.rmse_bins_by_chance:.4f} ± "
            f"{kept.rmse_bins_by_chance_sd:.4f} | {'yes' if o.kept else 'no'} | {r.seconds:.2f} |"
        )
    mean = statistics.fmean
    default_ll = mean(r.outcome.default.log_loss for r in results)
    default_rmse = mean(r.outcome.default.rmse_bins for r in results)
    kept_ll = mean(r.outcome.kept_metrics.log_loss for r in results)
    kept_rmse = mean(r.outcome.kept_metrics.rmse_bins for r in results)
    chance, chance_sd = chance_of_mean(results)
    lines.append(
        f"| **mean** | {sum(r.outcome.reviews for r in results):,} | | | {default_ll:.4f} "
        f"| **{kept_ll:.4f}** | {default_rmse:.4f} | **{kept_rmse:.4f}** "
        f"| {chance:.4f} ± {chance_sd:.4f} | | |"
    )
    return lines


def chance_of_mean(results: list[Result]) -> tuple[float, float]:
    """The mean RMSE(bins) perfectly calibrated models would score on these held-out
    reviews by chance, and its standard deviation (the learners' draws are independent)."""
    kept = [r.outcome.kept_metrics for r in results]
    mean = statistics.fmean(m.rmse_bins_by_chance or 0.0 for m in kept)
    spread = sum((m.rmse_bins_by_chance_sd or 0.0) ** 2 for m in kept) ** 0.5 / len(kept)
    return mean, spread


def summary(results: list[Result], *, day_start: str, command: str) -> list[str]:
    kept_ll = statistics.fmean(r.outcome.kept_metrics.log_loss for r in results)
    kept_rmse = statistics.fmean(r.outcome.kept_metrics.rmse_bins for r in results)
    worse = [
        r.learner for r in results if r.outcome.kept_metrics.log_loss > r.outcome.default.log_loss
    ]
    chance, chance_sd = chance_of_mean(results)
    verdict = lambda ok: "met" if ok else "missed"  # noqa: E731
    return [
        f"Measured {date.today().isoformat()} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"day start: {day_start}. Command: `{command}`.",
        "",
        *table(results),
        "",
        f"- Kept parameters worse than the defaults on held-out reviews: "
        f"{', '.join(worse) if worse else 'none'}.",
        f"- Mean log loss {kept_ll:.4f} (target ≤ {TARGET_LOG_LOSS}: "
        f"{verdict(kept_ll <= TARGET_LOG_LOSS)}); mean RMSE(bins) {kept_rmse:.4f} "
        f"(target ≤ {TARGET_RMSE}: {verdict(kept_rmse <= TARGET_RMSE)}).",
        f"- A perfectly calibrated model would score a mean RMSE(bins) of "
        f"{chance:.4f} ± {chance_sd:.4f} on these "
        "held-out reviews by chance alone (each learner's bins hold so few reviews).",
    ]


def write(output: Path, lines: list[str], *, day_start: str) -> None:
    """Replace this day start's block of the output, keeping the rest of it."""
    start, end = f"<!-- calibration:{day_start}:start -->", f"<!-- calibration:{day_start}:end -->"
    text = output.read_text() if output.exists() else "# Learning quality\n"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    output.write_text(head + "\n".join([start, *lines, end]) + tail)


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--day-start", choices=["quiet", "utc"], default="quiet")
    args = parser.parse_args(argv)
    folders = sorted(p for p in args.data.iterdir() if (p / "reviews.csv").exists())
    results = [calibrate(folder, day_start=args.day_start) for folder in folders]
    command = " ".join(["bench/calibration.py", *(argv if argv is not None else sys.argv[1:])])
    lines = summary(results, day_start=args.day_start, command=command.strip())
    print("\n".join(lines))
    write(args.output, lines, day_start=args.day_start)
    return results


if __name__ == "__main__":
    main()
