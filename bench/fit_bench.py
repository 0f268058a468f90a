"""How long a learner's parameter fit takes, end to end from the database.

    .venv/bin/python bench/fit_bench.py               # 10k and 100k reviews, SQLite
    DATABASE_URL=postgresql://… .venv/bin/python bench/fit_bench.py 10000 100000

Stores a synthetic learner per size (memory following non-default parameters, so the fit
is kept), runs the fit as the task worker does (`parameter_fit_run`: read the reviews in
one query, build the histories, five fold fits and the final fit, evaluation, saving) and
prints the seconds (fastest of three runs), the queries, and the retention helper's
simulation time for the same collection (uncached). The reschedule that follows a kept
fit is a task of its own and is not timed here. Uses a temporary SQLite file unless
DATABASE_URL is set (then its database must be disposable: it is migrated and filled).
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also run as a script
from bench import django_setup

django_setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import user_create  # noqa: E402
from quizzes.models import ParameterFit  # noqa: E402
from quizzes.selectors.retention import retention_tradeoff  # noqa: E402
from quizzes.services.optimizer import parameter_fit_run  # noqa: E402
from quizzes.tests.synthetic import STRONG_MEMORY, store_history, synthetic_reviews  # noqa: E402

REPEATS = 3
REVIEWS_PER_CARD = 5.0  # about what STRONG_MEMORY's learner does in a year


def learner_with(reviews: int) -> User:
    user = user_create(
        username=f"bench-{reviews}", email=f"bench-{reviews}@example.com", password="x" * 12
    )
    history = synthetic_reviews(parameters=STRONG_MEMORY, cards=int(reviews / REVIEWS_PER_CARD))
    store_history(user, history[:reviews])
    return user


def fit_once(user: User) -> tuple[float, int, ParameterFit]:
    fit = ParameterFit.objects.create(user=user)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        fit = parameter_fit_run(fit_id=fit.pk)
    assert fit.status == ParameterFit.Status.DONE, fit.detail
    return time.perf_counter() - started, len(queries), fit


def retention_seconds(user: User) -> float:
    cache.clear()
    started = time.perf_counter()
    retention_tradeoff(user)
    return time.perf_counter() - started


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [10_000, 100_000]
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    print("reviews  cards   targets  fit s   queries  kept  retention helper s")
    for size in sizes:
        user = learner_with(size)
        runs = [fit_once(user) for _ in range(REPEATS)]
        seconds, queries, fit = min(runs, key=lambda run: run[0])
        cards = user.card_progress.count()
        print(
            f"{fit.reviews:<8} {cards:<7} {fit.targets:<8} {seconds:<7.2f} {queries:<8} "
            f"{'yes' if fit.kept else 'no':<5} {retention_seconds(user):.2f}"
        )


if __name__ == "__main__":
    main()
