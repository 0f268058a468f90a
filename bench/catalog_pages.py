"""How fast a learner's catalogs and a page of their cards answer, at 10,000 and 100,000 cards.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cerego_perf_bench \\
        .venv/bin/python -m bench.catalog_pages [--requests 40] [--sizes 10000 100000]

Starts gunicorn itself (2 workers, DEBUG off, a generated SECRET_KEY, on a free loopback
port) against DATABASE_URL, which must be a disposable database: the benchmark migrates it
and adds two learners, one owning a 10,000-card catalog and one a 100,000-card catalog
(made once with bulk inserts, reused by later runs while they are whole). For each learner
it sends a warm-up and then sequential requests to every endpoint, with a JWT (and a session
cookie for the web page), and prints the median of each, its ratio to `/api/v1/auth/me/`
measured in the same run, the target, and the queries each request makes. Then it stops
gunicorn. Results and plans: docs/performance.md.

`learner_with_catalog`, `endpoints`, `measure` and `queries_per_request` are also run at a
tiny size by bench/tests/test_catalog_pages.py, through Django's test client, so that this
script does not rot.
"""

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.servers import ROOT, free_port, gunicorn_start, gunicorn_stop, production_environment

BATCH = 5_000
WARM_UP = 5  # rounds of requests not counted: connections, caches, the first compile
LIBRARY_CATALOGS = 20  # public catalogs of someone else, so the visibility filter has work

if TYPE_CHECKING:
    from accounts.models import User
    from decks.models import Catalog


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    web: bool = False  # a page signed in by the session cookie, not the API's JWT
    target: float | None = None  # the most it may take, in multiples of /auth/me/


def endpoints(catalog: "Catalog") -> list[Endpoint]:
    """What a learner opening their catalog asks for; /auth/me/ first, the baseline."""
    return [
        Endpoint("auth/me", "/api/v1/auth/me/"),
        Endpoint("catalog list", "/api/v1/catalogs/", target=2),
        Endpoint("catalog detail", f"/api/v1/catalogs/{catalog.pk}/", target=2),
        Endpoint("cards page", f"/api/v1/catalogs/{catalog.pk}/flashcards/", target=3),
        Endpoint("flashcards ?catalog=", f"/api/v1/flashcards/?catalog={catalog.pk}", target=3),
        # "the web catalog page likewise" (issue 8): within 2×, as the list and the detail
        Endpoint("web catalog page", f"/catalogs/{catalog.pk}/", web=True, target=2),
    ]


# --- Data -------------------------------------------------------------------------------
# Django's models are imported inside the functions: main() configures Django first, and
# the smoke test imports this module under the test settings.


def learner_with_catalog(
    cards: int, *, library: int = LIBRARY_CATALOGS
) -> tuple["User", "Catalog"]:
    """The learner `bench-<cards>` and their one catalog of `cards` Spanish cards, made with
    the bulk write the import uses (so the card counter is kept as in production), or the
    ones a previous run made if they are whole."""
    from accounts.models import User
    from decks.models import Catalog, Flashcard, Language

    user, _ = User.objects.get_or_create(
        username=f"bench-{cards}", defaults={"email": f"bench-{cards}@example.com"}
    )
    catalog = Catalog.objects.filter(owner=user).first()
    if catalog is not None and catalog.memberships.count() == cards:
        return user, catalog
    Catalog.objects.filter(owner=user).delete()
    Flashcard.objects.filter(owner=user).delete()
    spanish, _ = Language.objects.get_or_create(code="es", defaults={"name": "Spanish"})
    catalog = _catalog_fill(user, f"Spanish × {cards}", spanish, cards)
    _library_ensure(spanish, library)
    return user, catalog


def _catalog_fill(user: "User", name: str, language: object, cards: int) -> "Catalog":
    from decks.services.card_fields import CardFields
    from decks.services.catalogs import catalog_create
    from decks.services.flashcards import flashcards_bulk_create

    catalog = catalog_create(owner=user, name=name, language=language)  # type: ignore[arg-type]
    for start in range(0, cards, BATCH):
        batch = [
            CardFields(
                front=f"palabra {n}",
                back=f"word number {n}, a longer back side",
                hint=f"hint {n % 7}",
                front_normalized=f"palabra {n}",
                language=language,  # type: ignore[arg-type]
            )
            for n in range(start, min(start + BATCH, cards))
        ]
        flashcards_bulk_create(owner=user, cards=[(catalog.pk, fields) for fields in batch])
    return catalog


def _library_ensure(language: object, catalogs: int) -> None:
    from accounts.models import User
    from decks.models import Catalog
    from decks.services.catalogs import catalog_update

    author, _ = User.objects.get_or_create(username="bench-author")
    for n in range(catalogs - Catalog.objects.filter(owner=author).count()):
        catalog = _catalog_fill(author, f"Library {n}", language, 50)
        catalog_update(catalog=catalog, visibility=Catalog.Visibility.PUBLIC)


def credentials(user: "User") -> dict[str, dict[str, str]]:
    """The headers of the API (a JWT) and of the pages (a session cookie) for `user`."""
    from django.conf import settings
    from django.test import Client
    from rest_framework_simplejwt.tokens import AccessToken

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "api": {"Authorization": f"Bearer {AccessToken.for_user(user)}"},
        "web": {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
    }


# --- Measuring --------------------------------------------------------------------------

Fetch = Callable[[str, dict[str, str]], int]  # GET path with headers → status code


def measure(
    fetch: Fetch, points: list[Endpoint], auth: dict[str, dict[str, str]], *, requests: int
) -> dict[str, float]:
    """The median milliseconds of `requests` sequential GETs of each endpoint, after a
    warm-up of a few; every answer must be a 200. The endpoints take turns, one request
    each per round, so that a burst of load on this shared machine slows them alike and
    their ratios hold."""
    times: dict[str, list[float]] = {point.name: [] for point in points}
    for round_ in range(WARM_UP + requests):
        for point in points:
            started = time.perf_counter()
            status = fetch(point.path, auth["web" if point.web else "api"])
            elapsed = time.perf_counter() - started
            assert status == 200, f"{point.path} answered {status}"
            if round_ >= WARM_UP:
                times[point.name].append(elapsed * 1000)
    return {name: statistics.median(taken) for name, taken in times.items()}


def queries_per_request(
    fetch: Fetch, points: list[Endpoint], auth: dict[str, dict[str, str]]
) -> dict[str, int]:
    """How many SQL statements each endpoint runs, through `fetch` in this process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for point in points:
        with CaptureQueriesContext(connection) as queries:
            fetch(point.path, auth["web" if point.web else "api"])
        counts[point.name] = len(queries)
    return counts


def explain(fetch: Fetch, point: Endpoint, auth: dict[str, dict[str, str]]) -> str:
    """EXPLAIN ANALYZE of each SELECT the endpoint runs (PostgreSQL), the slowest first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fetch(point.path, auth["web" if point.web else "api"])
    plans = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if not query["sql"].startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {query['sql']}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            took = float(plan.rsplit("Execution Time: ", 1)[1].split()[0])
            plans.append((took, f"{query['sql']}\n{plan}"))
    plans.sort(key=lambda found: -found[0])
    return f"## {point.name} ({point.path})\n\n" + "\n\n".join(plan for _, plan in plans)


def client_fetch(host: str = "testserver") -> Fetch:
    """GET through Django's test client, in this process."""
    from django.test import Client

    client = Client(SERVER_NAME=host)

    def fetch(path: str, headers: dict[str, str]) -> int:
        client.cookies.clear()
        cookie = headers.get("Cookie")
        if cookie:
            name, value = cookie.split("=", 1)
            client.cookies[name] = value
        api = {key: value for key, value in headers.items() if key != "Cookie"}
        return client.get(path, headers=api).status_code

    return fetch


def http_fetch(port: int) -> Fetch:
    """GET over one kept-alive HTTP connection to 127.0.0.1:`port`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def fetch(path: str, headers: dict[str, str]) -> int:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status

    return fetch


# --- Report -----------------------------------------------------------------------------


def report(results: dict[int, dict[str, dict]], points: list[Endpoint]) -> str:
    sizes = sorted(results)
    header = "| endpoint | " + " | ".join(f"{size:,} cards: ms, × me, queries" for size in sizes)
    lines = [header + " | target |", "|---" * (len(sizes) + 2) + "|"]
    for point in points:
        cells = []
        for size in sizes:
            median = results[size]["medians"][point.name]
            ratio = median / results[size]["medians"]["auth/me"]
            verdict = "" if point.target is None or ratio <= point.target else " MISSED"
            queries = results[size]["queries"][point.name]
            cells.append(f"{median:.1f}, {ratio:.2f}×{verdict}, {queries}")
        target = "baseline" if point.target is None else f"≤ {point.target}×"
        lines.append(f"| {point.name} | " + " | ".join(cells) + f" | {target} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--explain", action="store_true", help="print the plans of each endpoint's queries"
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a disposable PostgreSQL database.")

    folder = Path(tempfile.mkdtemp(prefix="cerego-bench-"))
    environment = production_environment(database_url, folder)
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    learners = {size: learner_with_catalog(size) for size in args.sizes}
    print(f"data ready in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load

    if args.explain:
        user, catalog = learners[max(args.sizes)]
        fetch, auth = client_fetch("127.0.0.1"), credentials(user)
        for point in endpoints(catalog)[1:]:
            print(explain(fetch, point, auth), end="\n\n")
        return
    port = free_port()
    server = gunicorn_start(port, environment, folder / "gunicorn.log")
    results: dict[int, dict[str, dict]] = {}
    try:
        for size, (user, catalog) in learners.items():
            points, auth = endpoints(catalog), credentials(user)
            results[size] = {
                "medians": measure(http_fetch(port), points, auth, requests=args.requests),
                "queries": queries_per_request(client_fetch("127.0.0.1"), points, auth),
            }
    finally:
        gunicorn_stop(server)
    print(f"\nmedians of {args.requests} sequential requests on gunicorn (2 workers):\n")
    print(report(results, endpoints(learners[args.sizes[0]][1])))


if __name__ == "__main__":
    main()
