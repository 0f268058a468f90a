"""A learner with 100,000 cards against one with 10,000, in a database of 10 million reviews.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cerego_scale_bench \\
        .venv/bin/python -m bench.scale [--repeats 15] [--explain]

DATABASE_URL must be a disposable PostgreSQL database: the benchmark migrates it and fills
it, once, with 10,000 learners who each studied 100 cards of a shared public library
(1,000,000 `CardProgress` rows, 10 reviews a card: 10,000,000 `ReviewLog` rows), plus one
learner with 100,000 cards and one with 10,000 (ten catalogs each, ten reviews a card). The
rows are made in Python and written with `COPY … FROM STDIN` (the review and progress
indexes set aside during the load and built after it); a marker table, `bench_scale`,
records the generator's version and sizes so that later runs reuse the data.

Review dates are spread as a learner's are: each card is introduced on a day of the
learner's history (4 years for the 100,000-card learner, 2 for the 10,000-card one, a month
to three years for the others) and reviewed at growing intervals up to its last review, so
the reviews thin out towards today rather than crowding into it.

For each of the two learners, in the same run and taking turns, it times what a learner's
requests compute (the selectors and the answer service, in process, no HTTP): the next 20
due cards, a page of due-now progress, the progress summary, the statistics selectors and
answering a question; then prints the medians, the spread and the 100k/10k ratio against
the ≤ 2× target. `--explain` prints EXPLAIN (ANALYZE, BUFFERS) of each query of each
measure for the 100,000-card learner instead. Results: docs/performance.md.

`scale_data`, `MEASURES`, `measure` and `report` also run at a tiny size in
bench/tests/test_scale.py, on SQLite (executemany instead of COPY) or PostgreSQL.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bench.servers import ROOT

if TYPE_CHECKING:
    from accounts.models import User

GENERATOR_VERSION = 1
NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # the data's today: runs compare like with like
TIME_ZONE = "America/New_York"


@dataclass(frozen=True)
class Size:
    learners: int  # the crowd: learners who each studied `cards` cards of the library
    cards: int
    reviews: int  # reviews of every studied card
    library: int  # public catalogs of 100 cards the crowd studies
    big: tuple[int, ...]  # the measured learners' card counts, largest first
    history: tuple[int, ...]  # days since each measured learner began
    catalogs: int  # catalogs of each measured learner


FULL = Size(
    learners=10_000, cards=100, reviews=10, library=100,
    big=(100_000, 10_000), history=(4 * 365, 2 * 365), catalogs=10,
)  # fmt: skip
TINY = Size(
    learners=4, cards=5, reviews=3, library=2, big=(200, 20), history=(365, 180), catalogs=2
)
LIBRARY_CARDS = 100
BATCH = 10_000


# --- Writing rows fast: COPY on PostgreSQL, executemany on SQLite --------------------------


def _write(table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - our table and columns
        batch: list[tuple] = []
        for row in rows:
            batch.append(tuple(_sqlite_value(value) for value in row))
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        cursor.executemany(sql, batch)
        return count + len(batch)


def _sqlite_value(value: Any) -> Any:
    from django.db import connection

    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, uuid.UUID):
        return value.hex  # Django keeps UUIDs as 32 hex digits on SQLite
    return value


def _next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - our tables
        return int(cursor.fetchone()[0])


def _sequences_reset(tables: Iterable[str]) -> None:
    """Rows written with their own ids leave PostgreSQL's sequences behind; SQLite follows."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our tables
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


@contextmanager
def _indexes_set_aside(tables: tuple[str, ...]) -> Iterator[None]:
    """Drop the tables' secondary indexes and constraints (PostgreSQL) and build them again
    after the load: one sort each instead of ten million random index insertions."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of the rows written so far would block the ALTERs.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('u', 'f')",
            [list(tables)],
        )
        constraints = cursor.fetchall()
        for table, name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT LIKE '%%_pkey'",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- The data ------------------------------------------------------------------------------


def _marker(size: Size) -> str:
    return json.dumps({"version": GENERATOR_VERSION, **asdict(size)}, sort_keys=True)


def _marker_found() -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_scale (generator TEXT NOT NULL)")
        cursor.execute("SELECT generator FROM bench_scale")
        row = cursor.fetchone()
    return row[0] if row else None


def scale_data(size: Size) -> dict[int, "User"]:
    """The measured learners by card count, made (in one transaction) unless a previous run
    of the same generator made them already."""
    from django.db import connection, transaction

    from accounts.models import User

    found = _marker_found()
    if found == _marker(size):
        return {cards: User.objects.get(username=f"scale-{cards}") for cards in size.big}
    if found is not None:
        raise SystemExit(
            f"This database holds another generator's data ({found}); "
            "drop and create it again to regenerate."
        )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 0")
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                cursor.execute("SET LOCAL synchronous_commit = off")
        learners = _fill(size)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_scale (generator) VALUES (%s)", [_marker(size)])
    return learners


def _fill(size: Size) -> dict[int, "User"]:
    from accounts.models import User, UserSettings
    from decks.models import Catalog, Language
    from quizzes.models import StudySettings
    from quizzes.services.quiz_types import quiz_types_seed

    quiz_types_seed()
    language, _ = Language.objects.get_or_create(code="es", defaults={"name": "Spanish"})
    names = [f"scale-{cards}" for cards in size.big] + ["scale-author"]
    names += [f"scale-crowd-{n}" for n in range(size.learners)]
    users = [User(username=name, email=f"{name}@example.com") for name in names]
    for user in users:
        user.set_unusable_password()
    users = User.objects.bulk_create(users, batch_size=BATCH)
    UserSettings.objects.bulk_create(
        [
            UserSettings(user=user, time_zone=TIME_ZONE if index < len(size.big) else "UTC")
            for index, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    StudySettings.objects.bulk_create(
        [StudySettings(user=user) for user in users], batch_size=BATCH
    )
    big, author, crowd = users[: len(size.big)], users[len(size.big)], users[len(size.big) + 1 :]

    library = Catalog.objects.bulk_create(
        Catalog(owner=author, name=f"Library {n}", language=language, visibility="public")
        for n in range(size.library)
    )
    library_cards = _cards(author, library, LIBRARY_CARDS, language.pk)
    first = {"card": _next_id("quizzes_cardprogress"), "review": _next_id("quizzes_reviewlog")}
    studied: list[tuple[User, list[int], float]] = []
    for user, cards, days in zip(big, size.big, size.history, strict=True):
        catalogs = Catalog.objects.bulk_create(
            Catalog(owner=user, name=f"Words {n + 1}", language=language)
            for n in range(size.catalogs)
        )
        owned = _cards(user, catalogs, cards // size.catalogs, language.pk)
        studied.append((user, owned, days))
    rng = random.Random(GENERATOR_VERSION)
    for n, user in enumerate(crowd):
        start = (n * size.cards) % len(library_cards)
        studied.append(
            (user, (library_cards * 2)[start : start + size.cards], rng.uniform(30, 3 * 365))
        )
    tables = ("quizzes_cardprogress", "quizzes_reviewlog")
    with _indexes_set_aside(tables):
        histories = [
            _history(user.pk, cards, days, size.reviews, rng) for user, cards, days in studied
        ]
        _write(PROGRESS_TABLE, PROGRESS_COLUMNS, _progress_rows(histories, first["card"]))
        _write(REVIEW_TABLE, REVIEW_COLUMNS, _review_rows(histories, first["review"], size.reviews))
    _sequences_reset(tables)
    return {cards: user for user, cards in zip(big, size.big, strict=True)}


def _cards(owner: "User", catalogs: list, per_catalog: int, language_id: int) -> list[int]:
    """`per_catalog` new cards in each catalog; their ids."""
    first = _next_id("decks_flashcard")
    ids = list(range(first, first + per_catalog * len(catalogs)))
    _write(
        "decks_flashcard",
        (
            "id",
            "front",
            "front_normalized",
            "back",
            "hint",
            "language_id",
            "owner_id",
            "created_at",
            "updated_at",
        ),
        (
            (
                pk,
                f"palabra {pk}",
                f"palabra {pk}",
                f"word number {pk}",
                "",
                language_id,
                owner.pk,
                NOW,
                NOW,
            )
            for pk in ids
        ),
    )
    _write(
        "decks_catalogflashcard",
        ("catalog_id", "flashcard_id", "front_normalized", "added_at"),
        (
            (
                catalogs[index // per_catalog].pk,
                pk,
                f"palabra {pk}",
                NOW - timedelta(seconds=len(ids) - index),
            )
            for index, pk in enumerate(ids)
        ),
    )
    _sequences_reset(("decks_flashcard", "decks_catalogflashcard"))
    return ids


# One card's history: (flashcard, first review, last review, stability, state), its reviews
# at growing intervals between the two.
Card = tuple[int, datetime, datetime, float, int]
History = tuple[int, list[Card]]  # (user id, cards)

PROGRESS_TABLE = "quizzes_cardprogress"
PROGRESS_COLUMNS = (
    "id", "user_id", "flashcard_id", "state", "step", "stability", "difficulty", "due",
    "last_review", "reps", "lapses", "streak", "best_streak", "suspended", "is_leech",
    "created_at", "updated_at",
)  # fmt: skip
REVIEW_TABLE = "quizzes_reviewlog"
REVIEW_COLUMNS = (
    "id", "user_id", "flashcard_id", "client_review_id", "rating", "quiz_type_id", "correct",
    "response_ms", "reviewed_at", "state_before", "state_after", "source", "created_at",
)  # fmt: skip


def _history(
    user_id: int, cards: list[int], days: float, reviews: int, rng: random.Random
) -> History:
    """Each card introduced on a day of the learner's `days` of history, last reviewed
    between half-way from then and now, with a stability that leaves about one card in
    ten due now; a few in (re)learning steps."""
    rows = []
    for flashcard in cards:
        first = NOW - timedelta(days=days * rng.random())
        last = NOW - (NOW - first) * rng.uniform(0, 0.5)
        elapsed = max((NOW - last).total_seconds() / 86_400, 0.01)
        stability = max(0.05, elapsed / rng.uniform(0.2, 1.1))
        state = rng.choices((2, 1, 3), weights=(94, 3, 3))[0]
        rows.append((flashcard, first, last, stability, state))
    return user_id, rows


def _progress_rows(histories: list[History], first_id: int) -> Iterator[tuple]:
    pk = first_id
    for user_id, cards in histories:
        for flashcard, first, last, stability, state in cards:
            due = last + timedelta(days=stability)
            lapses = flashcard % 4
            leech = lapses == 3 and flashcard % 7 == 0
            yield (
                pk, user_id, flashcard, state, 0 if state != 2 else None, stability, 5.0, due,
                last, 10, lapses, flashcard % 5, 5, False, leech, first, last,
            )  # fmt: skip
            pk += 1


def _review_rows(histories: list[History], first_id: int, reviews: int) -> Iterator[tuple]:
    pk, rng = first_id, random.Random(first_id)
    for user_id, cards in histories:
        for flashcard, first, last, stability, _ in cards:
            span = last - first
            before = '{"state": 0}'
            for n in range(reviews):
                at = first + span * (n / (reviews - 1)) ** 2 if reviews > 1 else last
                rating = rng.choices((1, 2, 3, 4), weights=(12, 8, 65, 15))[0]
                after = json.dumps(
                    {
                        "state": 2 if n else 1,
                        "step": None if n else 0,
                        "stability": round(stability * (n + 1) / reviews, 3),
                        "difficulty": 5.0,
                        "due": (at + timedelta(days=stability)).isoformat(),
                        "last_review": at.isoformat(),
                    }
                )
                yield (
                    pk, user_id, flashcard, uuid.UUID(int=pk), rating, None, rating > 1,
                    rng.randint(1500, 9000), at, before, after, "quiz", at,
                )  # fmt: skip
                before = after
                pk += 1


# --- Measuring -----------------------------------------------------------------------------


def _next_due(user: "User", now: datetime) -> object:
    from quizzes.selectors.study import due_progress

    learning = list(due_progress(user, now=now, learning=True)[:20])
    return learning + list(due_progress(user, now=now, learning=False)[: 20 - len(learning)])


def _due_now(user: "User", now: datetime) -> object:
    from cerego.paging import Paginator
    from quizzes.selectors.progress import learner_decay, progress_of, progress_row

    page = Paginator(progress_of(user, now=now, due="now"), 20).page(1)
    decay = learner_decay(user)
    return [progress_row(row, now=now, decay=decay) for row in page], page.paginator.count


def _summary(user: "User", now: datetime) -> object:
    from quizzes.selectors.progress import progress_summary

    return progress_summary(user, now=now)


def _stats(name: str) -> Callable[["User", datetime], object]:
    def run(user: "User", now: datetime) -> object:
        from quizzes.selectors import stats
        from quizzes.selectors.settings import study_settings_of

        selector = getattr(stats, name)
        return selector(user, now=now, study_settings=study_settings_of(user))

    return run


def _answer(user: "User", now: datetime) -> object:
    """Draw a 20-question quiz (not timed), then answer its first question (timed), and
    undo both so that every run sees the same data."""
    from django.db import transaction

    from quizzes.services.quizzes import quiz_answer_submit, quiz_create

    with transaction.atomic():
        quiz = quiz_create(user=user, size=20, now=now)
        question = quiz.questions.order_by("position").first()
        assert question is not None
        started = time.perf_counter()
        quiz_answer_submit(
            user=user, quiz_id=quiz.pk, question_id=question.pk,
            answer=question.expected_answer, rating=3, response_ms=4000, now=now,
        )  # fmt: skip
        took = time.perf_counter() - started
        transaction.set_rollback(True)
    return took


# name → what runs; `_answer` times itself (it returns its own seconds)
MEASURES: dict[str, Callable[["User", datetime], object]] = {
    "next 20 due cards": _next_due,
    "due-now progress (a page)": _due_now,
    "progress summary": _summary,
    "review activity (heatmap, retention per week)": _stats("review_activity"),
    "catalog memory": _stats("catalog_memory"),
    "90-day prediction": _stats("predicted_memory_strength"),
    "answer a question (service)": _answer,
}
SELF_TIMED = {"answer a question (service)"}


def measure(
    learners: dict[int, "User"], *, repeats: int, now: datetime = NOW
) -> dict[str, dict[int, list[float]]]:
    """Milliseconds of every measure for every learner, `repeats` times after one warm-up
    round; measures and learners take turns so that a burst of load slows them alike."""
    from accounts.models import User

    fresh = {
        cards: User.objects.select_related("settings").get(pk=user.pk)
        for cards, user in learners.items()
    }
    times: dict[str, dict[int, list[float]]] = {
        name: {cards: [] for cards in fresh} for name in MEASURES
    }
    for round_ in range(repeats + 1):
        for name, run in MEASURES.items():
            for cards, user in fresh.items():
                started = time.perf_counter()
                result = run(user, now)
                took = result if name in SELF_TIMED else time.perf_counter() - started
                if round_:
                    times[name][cards].append(1000 * float(took))  # type: ignore[arg-type]
    return times


def queries(learners: dict[int, "User"], now: datetime = NOW) -> dict[str, dict[int, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts: dict[str, dict[int, int]] = {name: {} for name in MEASURES}
    for name, run in MEASURES.items():
        for cards, user in learners.items():
            with CaptureQueriesContext(connection) as captured:
                run(user, now)
            counts[name][cards] = len(captured)
    return counts


def report(times: dict[str, dict[int, list[float]]], counts: dict[str, dict[int, int]]) -> str:
    large, small = sorted(next(iter(times.values())), reverse=True)[:2]
    lines = [
        f"| measure | {small:,} cards: ms (min–max) | {large:,} cards: ms (min–max) "
        "| ratio | target | queries |",
        "|---|---|---|---|---|---|",
    ]
    for name, by_size in times.items():
        cells = []
        for cards in (small, large):
            taken = by_size[cards]
            cells.append(f"{statistics.median(taken):.1f} ({min(taken):.1f}–{max(taken):.1f})")
        ratio = statistics.median(by_size[large]) / max(statistics.median(by_size[small]), 1e-9)
        verdict = "ok" if ratio <= 2 else "MISSED"
        count = f"{counts[name][small]} / {counts[name][large]}"
        lines.append(
            f"| {name} | {cells[0]} | {cells[1]} | {ratio:.2f}× | ≤ 2× {verdict} | {count} |"
        )
    return "\n".join(lines)


def explain(user: "User", now: datetime = NOW) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of every SELECT of every measure (PostgreSQL)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    out = []
    for name, run in MEASURES.items():
        with CaptureQueriesContext(connection) as captured:
            run(user, now)
        out.append(f"## {name}\n")
        with transaction.atomic(), connection.cursor() as cursor:
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().startswith(("SELECT", "WITH")) or "FOR UPDATE" in sql:
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                out.append(f"{sql}\n{plan}\n")
            transaction.set_rollback(True)
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a disposable PostgreSQL database.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cerego.settings")
    os.environ.setdefault("SECRET_KEY", "scale-bench-" + "x" * 50)
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "0")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    learners = scale_data(FULL)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load
    print(f"data ready in {time.perf_counter() - started:.0f} s ({size})", flush=True)
    if args.explain:
        print(explain(learners[max(learners)]))
        return
    print(f"load before: {os.getloadavg()[0]:.1f}", flush=True)
    times = measure(learners, repeats=args.repeats)
    print(f"load after: {os.getloadavg()[0]:.1f}\n")
    print(f"medians of {args.repeats} runs, in process, PostgreSQL:\n")
    print(report(times, queries(learners)))


if __name__ == "__main__":
    main()
