"""How the statistics scale with the cards and reviews of a learner.

    .venv/bin/python bench/stats_bench.py                 # 10k and 100k cards, SQLite
    DATABASE_URL=postgresql://… .venv/bin/python bench/stats_bench.py 10000 100000

For each size, makes a learner whose cards are all in one catalog and studied, with
stabilities spread from hours to years and last reviews up to a little past due (as a
scheduler leaves them), and three reviews per card over the last year; then prints the
seconds `statistics_of` takes (fastest of three), its queries, and the card groups the
memory figures were computed from; then the seconds the progress summary of that learner
takes, and of a second learner who studied the same cards through a share of the catalog
(the due figures ask of each card due whether it is still visible to them, here through
the share rather than as its owner). Uses a temporary SQLite file unless DATABASE_URL is
set (then its database must be disposable: the benchmark migrates it and adds rows).
"""

import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also run as a script
from bench import django_setup

django_setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import user_create  # noqa: E402
from decks.models import Catalog, CatalogFlashcard, CatalogShare, Flashcard, Language  # noqa: E402
from decks.services.languages import languages_seed  # noqa: E402
from quizzes.models import CardProgress, CardState, ReviewLog  # noqa: E402
from quizzes.selectors.progress import progress_summary  # noqa: E402
from quizzes.selectors.settings import study_settings_of  # noqa: E402
from quizzes.selectors.stats import _memory_groups, _studied, statistics_of  # noqa: E402

REPEATS = 3
REVIEWS_PER_CARD = 3
BATCH = 5_000
PASSWORD = "statistics-bench-2026"  # noqa: S105 - a throwaway learner


def learner_with(cards: int) -> User:
    user = user_create(
        username=f"bench-{cards}", email=f"bench-{cards}@example.com", password=PASSWORD
    )
    language = Language.objects.get(code="es")
    catalog = Catalog.objects.create(owner=user, name=f"{cards} words", language=language)
    now, rng = timezone.now(), random.Random(cards)
    flashcards = Flashcard.objects.bulk_create(
        (
            Flashcard(
                front=f"w{n}", front_normalized=f"w{n}", back=f"b{n}", language=language, owner=user
            )
            for n in range(cards)
        ),
        batch_size=BATCH,
    )
    CatalogFlashcard.objects.bulk_create(
        (
            CatalogFlashcard(catalog=catalog, flashcard=f, front_normalized=f.front)
            for f in flashcards
        ),
        batch_size=BATCH,
    )
    progress = []
    for flashcard in flashcards:
        stability = min(rng.lognormvariate(2.5, 1.8), 36_500)
        last_review = now - timedelta(days=rng.uniform(0, 1.2 * stability))
        progress.append(
            CardProgress(
                user=user,
                flashcard=flashcard,
                state=CardState.REVIEW,
                stability=stability,
                difficulty=5,
                last_review=last_review,
                due=last_review + timedelta(days=stability),
            )
        )
    CardProgress.objects.bulk_create(progress, batch_size=BATCH)
    ReviewLog.objects.bulk_create(
        (
            ReviewLog(
                user=user,
                flashcard=flashcard,
                rating=rng.choice((1, 3, 3, 3, 4)),
                reviewed_at=now - timedelta(days=rng.uniform(0, 365)),
                state_before={"state": CardState.REVIEW},
            )
            for flashcard in flashcards
            for _ in range(REVIEWS_PER_CARD)
        ),
        batch_size=BATCH,
    )
    study_settings_of(user)
    analyze()
    return user


def analyze() -> None:
    """Fresh statistics for the planner, as autovacuum would have them by now in production
    (without them, PostgreSQL plans the new-card count over 10,000 just-written rows as a
    scan of every card: 5.8 s instead of 12 ms)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def sharer_of(owner: User) -> User:
    """A learner who studied the owner's cards through a share of the owner's catalog."""
    user = user_create(
        username=f"{owner.username}-shared",
        email=f"shared-{owner.email}",
        password=PASSWORD,
    )
    CatalogShare.objects.create(catalog=Catalog.objects.get(owner=owner), user=user)
    rows = list(CardProgress.objects.filter(user=owner))
    for row in rows:
        row.pk, row.user = None, user
    CardProgress.objects.bulk_create(rows, batch_size=BATCH)
    study_settings_of(user)
    analyze()
    return User.objects.get(pk=user.pk)


def fastest(measure: Callable[[], object]) -> float:
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        measure()
        runs.append(time.perf_counter() - started)
    return min(runs)


def bench(cards: int) -> tuple[float, int, int]:
    user = learner_with(cards)
    user = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        seconds = fastest(lambda: statistics_of(user, now=timezone.now()))
    groups = _memory_groups(_studied(user), now=timezone.now(), keys={}).count()
    return seconds, len(queries) // REPEATS, groups


def bench_summary(cards: int) -> tuple[float, float]:
    """Seconds of the progress summary of the learner `bench(cards)` made, and of a learner
    studying the same cards through a share."""
    owner = User.objects.get(username=f"bench-{cards}")
    sharer = sharer_of(owner)
    own = fastest(lambda: progress_summary(owner, now=timezone.now()))
    return own, fastest(lambda: progress_summary(sharer, now=timezone.now()))


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [10_000, 100_000]
    call_command("migrate", verbosity=0)
    languages_seed()
    print(f"database: {connection.vendor}")
    print("cards    reviews   seconds  queries  card groups  summary s  summary s (shared)")
    for cards in sizes:
        seconds, queries, groups = bench(cards)
        own, shared = bench_summary(cards)
        print(
            f"{cards:<8} {cards * REVIEWS_PER_CARD:<9} {seconds:<8.3f} {queries:<8} {groups:<12} "
            f"{own:<10.3f} {shared:.3f}"
        )


if __name__ == "__main__":
    main()
