"""Scheduling in-process: what one review costs us beyond py-fsrs, and memory strength at size.

    .venv/bin/python -m bench.scheduling [--reviews 20000] [--cards 10000] [--repeats 7]

No database: one review is applied to a progress row held in memory exactly as
`review_record` applies it (`reviews._review`: the learner's cached scheduler, the row made
an FSRS card, the review, the bookkeeping of reps, lapses, streaks and leeches, the states
before and after kept for the review log), against py-fsrs's `review_card` alone on the same
cards in the same run (the baseline). Memory strength is computed for `--cards` studied
cards as the progress pages do (`memory.memory_strength` per row). Each figure is the
median of `--repeats` runs, with the spread (min–max). Fitting parameters end to end from
the database is `bench/fit_bench.py`. Results: docs/performance.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench.servers import ROOT

TARGET_REVIEW_US = 100
TARGET_STRENGTH_MS = 50


def timed(work: Callable[[], object], repeats: int) -> list[float]:
    """Seconds each of `repeats` runs of `work` took."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        runs.append(time.perf_counter() - started)
    return runs


def spread(runs: list[float], scale: float, unit: str) -> str:
    values = [run * scale for run in runs]
    return f"{statistics.median(values):.2f} {unit} ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reviews", type=int, default=20_000)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cerego.test_settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import fsrs

    from quizzes import memory
    from quizzes.models import CardProgress, StudySettings
    from quizzes.services.reviews import _review

    study_settings = StudySettings()
    scheduler = memory.scheduler_for(study_settings)
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # A realistic mix: mostly Good, some Again, Hard and Easy, a day or more apart.
    ratings = [rng.choice([1, 2, 3, 3, 3, 3, 4]) for _ in range(args.reviews)]
    times = [start + timedelta(days=i // 50, minutes=i % 50) for i in range(args.reviews)]
    cards_of_run = 50  # reviews are spread over this many cards, each reviewed in turn

    def py_fsrs_alone() -> None:
        cards = [fsrs.Card(card_id=n + 1) for n in range(cards_of_run)]
        for i, (rating, at) in enumerate(zip(ratings, times, strict=True)):
            slot = i % cards_of_run
            cards[slot], _ = scheduler.review_card(
                cards[slot], fsrs.Rating(rating), review_datetime=at
            )

    def our_review() -> None:
        rows = [CardProgress(pk=n + 1) for n in range(cards_of_run)]
        for i, (rating, at) in enumerate(zip(ratings, times, strict=True)):
            _review(
                rows[i % cards_of_run],
                memory.scheduler_for(study_settings),
                rating=rating,
                reviewed_at=at,
                correct=rating > 1,
                response_ms=3000,
                study_settings=study_settings,
            )

    alone = timed(py_fsrs_alone, args.repeats)
    ours = timed(our_review, args.repeats)
    per_review = 1e6 / args.reviews
    baseline, service = statistics.median(alone), statistics.median(ours)
    bookkeeping_us = (service - baseline) * per_review

    now = start + timedelta(days=400)
    studied = [
        (rng.uniform(0.5, 400.0), now - timedelta(days=rng.uniform(0, 300)))
        for _ in range(args.cards)
    ]
    decay = memory.decay_of(memory.parameters_of(study_settings))

    def strengths() -> None:
        for stability, last_review in studied:
            memory.memory_strength(
                stability=stability, last_review=last_review, now=now, decay=decay
            )

    strength_runs = timed(strengths, args.repeats)
    strength_ms = statistics.median(strength_runs) * 1000

    print(f"{args.reviews:,} reviews over {cards_of_run} cards, median of {args.repeats} runs:\n")
    print("| measure | median (min–max) | target |")
    print("|---|---|---|")
    print(f"| py-fsrs `review_card` alone | {spread(alone, per_review, 'µs')} | baseline |")
    verdict = "" if service * per_review <= TARGET_REVIEW_US else " MISSED"
    print(
        f"| one review through our service, minus the database | "
        f"{spread(ours, per_review, 'µs')} ({service / baseline:.2f}× py-fsrs; our "
        f"bookkeeping {bookkeeping_us:.1f} µs) | ≤ {TARGET_REVIEW_US} µs{verdict} |"
    )
    verdict = "" if strength_ms <= TARGET_STRENGTH_MS else " MISSED"
    print(
        f"| memory strength of {args.cards:,} cards | {spread(strength_runs, 1000, 'ms')} "
        f"| ≤ {TARGET_STRENGTH_MS} ms{verdict} |"
    )


if __name__ == "__main__":
    main()
