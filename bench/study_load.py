"""A bounded load test: simulated learners studying through the API, on gunicorn with the
production settings, PostgreSQL and Redis.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cerego_load_bench \\
    REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python -m bench.study_load [--learners 100] [--seconds 60] [--instances 1]

DATABASE_URL must be a disposable database (migrated, given `--learners` learners with a
catalog of `--cards` cards each, reused by later runs). Each learner is a thread with a
kept-alive connection of its own, in a closed loop and without pauses: get a token, then
over and over draw a 20-question quiz, answer every question (a choice at random, a typed
answer, a flip graded Good; after a wrong answer the quiz is read again, as the API guide
says), read the progress summary, sync one offline review. With
`--instances 2` two gunicorns serve the same database and Redis and every request goes to
the other one than the last (scale-out: tokens, quizzes in progress and syncs must not
care). First the same threads hammer `/healthz` for a baseline measured in the same run.

Results of the mix: docs/reliability.md.

`--mode operations`, `pages` or `both` (operations, then pages) measure each request alone
instead, sent by wrk (bench/load.lua) over `--connections 50` kept-alive connections for
`--seconds`, or by as many Python threads when wrk is not installed (then said: they cap the
baseline). Everything is prepared in-process before the clock starts, and the learners'
study is forgotten first, so every run starts from the same new cards:

- operations, with each learner's JWT: answering (questions of flip quizzes drawn for the
  purpose, each answered once, one in five graded Again), drawing a 20-question quiz,
  syncing one review (each of a card of its own, so none is older than the card's last
  review), and the progress summary of a learner with 10,000 cards (nine in ten studied);
- pages, with each learner's session cookie (logged in once) and a CSRF token: the
  dashboard, a study-session step (an answer posted by htmx, the next question's fragment
  back), the statistics page and the catalog page.

`/healthz` on the same server before and after is the baseline; gunicorn's workers are
let finish what the last load left queued before each measurement. Prints, per request:
requests, errors (connection errors, timeouts, unexpected statuses, a once-only pool run
dry), throughput, p50/p95/p99, their ratios to the baseline with the targets of issue 13,
and the queries of one such request (counted in-process through Django's test client);
then each gunicorn worker's resident memory (VmRSS, now and its peak, sampled during the
load; workers are not recycled while measuring) against the 200 MB target. `--repeats N`
repeats the whole run and prints medians (min–max). Results: docs/performance.md.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python -m bench.study_load --mode both \\
        --learners 50 --seconds 20 --baseline-seconds 10 --repeats 3

`--mode profile` sends the same requests through Django's test client in-process, no
server, and prints each one's queries and CPU time against /healthz's (the cost a ratio
above comes from), with a cProfile of those named by `--cprofile answer quiz …`.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bench.load_client import (
    Measurement,
    MemoryWatch,
    Request,
    Result,
    http_sender,
    percentile,
    run_threads,
    threads_run,
    wait_idle,
    wrk_available,
    wrk_run,
)
from bench.servers import ROOT, free_port, gunicorn_start, gunicorn_stop, production_environment

if TYPE_CHECKING:
    from accounts.models import User

PASSWORD = "load-test-passphrase-2026"  # noqa: S105 - a disposable database's learners
QUIZ_SIZE = 20


@dataclass
class Tally:
    """Latencies (ms) and unexpected answers of one operation, shared by every thread."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tallies: dict[str, Tally] = defaultdict(Tally)

    def add(self, name: str, ms: float, error: str | None) -> None:
        with self.lock:
            tally = self.tallies[name]
            tally.latencies.append(ms)
            if error:
                tally.errors.append(error)


class Learner:
    """One simulated learner: a connection per instance, requests alternating between them."""

    def __init__(self, ports: list[int], recorder: Recorder) -> None:
        self.connections = [http.client.HTTPConnection("127.0.0.1", p, timeout=60) for p in ports]
        self.turn = random.randrange(len(ports))
        self.recorder = recorder
        self.headers: dict[str, str] = {"Content-Type": "application/json"}

    def call(self, name: str, method: str, path: str, body: object = None, ok=(200,)) -> dict:
        self.turn = (self.turn + 1) % len(self.connections)
        connection = self.connections[self.turn]
        payload = json.dumps(body) if body is not None else None
        started = time.perf_counter()
        try:
            status, raw = self._send(connection, method, path, payload)
        except (OSError, http.client.HTTPException) as failure:
            connection.close()
            self.recorder.add(name, (time.perf_counter() - started) * 1000, repr(failure))
            return {}
        ms = (time.perf_counter() - started) * 1000
        error = None if status in ok else f"{status} {raw[:200]!r}"
        self.recorder.add(name, ms, error)
        return json.loads(raw) if raw and status in ok else {}

    def _send(
        self, connection: http.client.HTTPConnection, method: str, path: str, payload: str | None
    ) -> tuple[int, bytes]:
        """One request; sent again once on a fresh connection when the server had closed the
        kept-alive one meanwhile (gunicorn's keepalive is 5 s), as HTTP clients do."""
        for attempt in (1, 2):
            try:
                connection.request(method, path, body=payload, headers=self.headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def sign_in(self, username: str) -> None:
        tokens = self.call(
            "token", "POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
        )
        if "access" not in tokens:
            raise SystemExit(f"{username} cannot sign in: {self.recorder.tallies['token'].errors}")
        self.headers["Authorization"] = f"Bearer {tokens['access']}"

    def study(self, catalog: int) -> None:
        quiz = self.call(
            "create quiz",
            "POST",
            "/api/v1/quizzes/",
            {"catalog": catalog, "size": QUIZ_SIZE},
            (201,),
        )
        questions = quiz.get("questions", [])
        while questions:
            question = questions.pop(0)
            path = f"/api/v1/quizzes/{quiz['id']}/answers/"
            result = self.call("answer", "POST", path, answer_of(question))
            if result.get("correct") is False:
                # A wrong answer makes the next questions easier: read them again, as the
                # API guide tells a client to.
                quiz = self.call("read quiz", "GET", f"/api/v1/quizzes/{quiz['id']}/")
                questions = [q for q in quiz.get("questions", []) if not q["answered"]]
        self.call("progress summary", "GET", "/api/v1/progress/summary/")
        if quiz.get("questions"):
            review = {
                "client_review_id": str(uuid.uuid4()),
                "flashcard": random.choice(quiz["questions"])["flashcard"],
                "rating": random.choice([1, 3, 3, 3, 4]),
                "reviewed_at": datetime.now(UTC).isoformat(),
                "response_ms": 2500,
                "quiz_type": "flip",
            }
            self.call("sync one review", "POST", "/api/v1/reviews/sync/", [review])


def answer_of(question: dict) -> dict:
    body: dict = {"question": question["id"], "response_ms": random.randint(1500, 9000)}
    body["client_review_id"] = str(uuid.uuid4())
    if question["quiz_type"] == "flip":
        body["rating"] = random.choice([1, 3, 3, 3, 4])
    elif question["quiz_type"] == "true_false":
        body["answer"] = random.choice(["true", "false"])
    elif question.get("choices"):
        body["answer"] = random.choice(question["choices"])
    else:
        body["answer"] = random.choice(["a guess", "word number 7"])
    return body


# --- Data -------------------------------------------------------------------------------


def learners_ensure(count: int, cards: int) -> list[tuple[str, int]]:
    """`count` learners `load-<n>`, each with a catalog of `cards` cards and room to study
    it all day (daily limits raised), made once and reused."""
    from accounts.models import User
    from accounts.services import user_create
    from bench.catalog_pages import _catalog_fill
    from decks.models import Catalog, Language
    from quizzes.models import StudySettings
    from quizzes.selectors.settings import study_settings_of
    from quizzes.services.quiz_types import quiz_types_seed

    quiz_types_seed()
    spanish, _ = Language.objects.get_or_create(code="es", defaults={"name": "Spanish"})
    made = []
    for n in range(count):
        username = f"load-{n}"
        user = User.objects.filter(username=username).first() or user_create(
            username=username, email=f"{username}@example.com", password=PASSWORD
        )
        catalog = Catalog.objects.filter(owner=user).first()
        if catalog is None or catalog.memberships.count() != cards:
            Catalog.objects.filter(owner=user).delete()
            catalog = _catalog_fill(user, f"Load {n}", spanish, cards)
        study_settings_of(user)
        made.append((username, catalog.pk))
    StudySettings.objects.filter(user__username__startswith="load-").update(
        daily_new_limit=9999, daily_review_limit=9999
    )
    return made


def big_learner_ensure(cards: int) -> str:
    """`load-big`: `cards` cards, nine in ten studied with history, as the query-count
    tests build them; the progress summary is measured on this one."""
    from accounts.models import User
    from accounts.services import user_create
    from decks.models import Language
    from quizzes.tests.test_query_counts import collection

    user = User.objects.filter(username="load-big").first()
    if user is None:
        user = user_create(username="load-big", email="load-big@example.com", password=PASSWORD)
    if not user.catalogs.exists():
        collection(user, Language.objects.get(code="es"), cards)
    return user.username


# --- Running ----------------------------------------------------------------------------


BIG_LEARNER_CARDS = 10_000


def table(tallies: dict[str, Tally], wall: dict[str, float], baseline: str) -> str:
    base = tallies[baseline]
    base_rate = len(base.latencies) / wall[baseline]
    base_p99 = percentile(base.latencies, 0.99)
    lines = [
        "| operation | requests | errors | req/s | × baseline req/s | p50 ms | p95 ms | p99 ms "
        "| p99 × baseline |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, tally in tallies.items():
        rate = len(tally.latencies) / wall[name]
        p99 = percentile(tally.latencies, 0.99)
        lines.append(
            f"| {name} | {len(tally.latencies):,} | {len(tally.errors)} | {rate:.1f} "
            f"| {rate / base_rate:.2f} | {statistics.median(tally.latencies):.1f} "
            f"| {percentile(tally.latencies, 0.95):.1f} | {p99:.1f} | {p99 / base_p99:.1f} |"
        )
    return "\n".join(lines)


# --- Operations and pages: requests prepared in-process, sent by a load generator --------

TARGETS = {  # issue 13: the least throughput of each, as a share of /healthz's
    "answer a question": 0.30,
    "create a 20-question quiz": 0.15,
    "sync one review": 0.30,
    "progress summary, 10,000 cards": 0.20,
}
P99_TARGET = 5  # each p99 within 5× the baseline's
BASELINE = "/healthz (baseline)"
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}
SPARE = 2  # requests of a once-only pool kept back: one to warm up, one to count queries

Step = Callable[[], Measurement]


def learners_reset(usernames: list[str]) -> None:
    """Forget what the load learners studied: every run starts from the same new cards."""
    from quizzes.models import CardProgress, Quiz, ReviewLog

    for model in (Quiz, ReviewLog, CardProgress):  # quizzes first: questions hold their logs
        model.objects.filter(user__username__in=usernames).delete()


def api_headers(user: "User") -> dict[str, str]:
    from rest_framework_simplejwt.tokens import AccessToken

    return {"Authorization": f"Bearer {AccessToken.for_user(user)}"}


def web_headers(user: "User") -> dict[str, str]:
    """A session made by logging the learner in once, and a CSRF token for the POSTs (the
    cookie holds the secret, the header repeats it, as htmx sends it from `hx-headers`)."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    client = Client()
    client.force_login(user)
    session, token = client.cookies[settings.SESSION_COOKIE_NAME].value, _get_new_csrf_string()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={token}"
    return {"Cookie": cookie, "X-CSRFToken": token}


def flip_questions(user: "User", catalog_id: int, count: int) -> list[tuple[int, int]]:
    """(quiz, question) of `count` questions to answer, in quizzes of flip questions drawn
    in-process (self-graded: any rating is a valid answer)."""
    from django.conf import settings

    from decks.models import Catalog
    from quizzes.models import QuizQuestion
    from quizzes.services.quizzes import quiz_create

    catalog = Catalog.objects.get(pk=catalog_id)
    found: list[tuple[int, int]] = []
    while len(found) < count:
        size = min(settings.QUIZ_SIZE_MAX, count - len(found))
        quiz = quiz_create(user=user, catalog=catalog, size=size, quiz_types=["flip"])
        questions = QuizQuestion.objects.filter(quiz=quiz).order_by("position")
        found += [(quiz.pk, pk) for pk in questions.values_list("pk", flat=True)]
    return found


def interleaved[T](per_learner: list[list[T]]) -> list[T]:
    """One of each learner's, then the next of each: concurrent requests are of different
    learners, as they would be (one learner answers one question at a time)."""
    longest = max(map(len, per_learner), default=0)
    return [items[i] for i in range(longest) for items in per_learner if i < len(items)]


def _rating() -> int:
    return random.choice([1, 3, 3, 3, 4])  # one in five forgotten: 80-90 % retention


def operation_steps(learners: list[tuple["User", int]], big: "User", pool: int) -> list[Step]:
    """The API operations, each built just before it runs (a sync's time is then later
    than every answer before it, so no sync takes the replay of an older review)."""
    tokens = [api_headers(user) | JSON for user, _ in learners]

    def answers() -> Measurement:
        per_learner = []
        for (user, catalog), headers in zip(learners, tokens, strict=True):
            mine = []
            for quiz, question in flip_questions(user, catalog, pool):
                body: dict[str, object] = {"question": question, "rating": _rating()}
                body |= {"response_ms": 4000, "client_review_id": str(uuid.uuid4())}
                path = f"/api/v1/quizzes/{quiz}/answers/"
                mine.append(Request("POST", path, headers, json.dumps(body)))
            per_learner.append(mine)
        return Measurement("answer a question", interleaved(per_learner), once=True)

    def quizzes() -> Measurement:
        requests = [
            Request("POST", "/api/v1/quizzes/", headers, json.dumps({"catalog": catalog}))
            for (_, catalog), headers in zip(learners, tokens, strict=True)
        ]
        return Measurement("create a 20-question quiz", requests, expected=(201,))

    def syncs() -> Measurement:
        from decks.models import CatalogFlashcard

        now = datetime.now(UTC).isoformat()
        per_learner = []
        for (_, catalog), headers in zip(learners, tokens, strict=True):
            # The catalog's last cards first: quizzes draw new cards from its first ones,
            # and the study steps drawn later still find theirs new.
            cards = CatalogFlashcard.objects.filter(catalog_id=catalog).order_by("-added_at", "-id")
            mine = []
            for card in cards.values_list("flashcard_id", flat=True):
                review = {"client_review_id": str(uuid.uuid4()), "flashcard": card}
                review |= {"rating": _rating(), "reviewed_at": now, "quiz_type": "flip"}
                mine.append(Request("POST", "/api/v1/reviews/sync/", headers, json.dumps([review])))
            per_learner.append(mine)
        return Measurement("sync one review", interleaved(per_learner), once=True)

    def summary() -> Measurement:
        request = Request("GET", "/api/v1/progress/summary/", api_headers(big))
        return Measurement("progress summary, 10,000 cards", [request])

    return [answers, quizzes, syncs, summary]


def page_steps(learners: list[tuple["User", int]], pool: int) -> list[Step]:
    """The pages, through each learner's session cookie."""
    cookies = [web_headers(user) for user, _ in learners]

    def each(name: str, path_of: Callable[[int], str]) -> Step:
        def step() -> Measurement:
            requests = [
                Request("GET", path_of(catalog), headers)
                for (_, catalog), headers in zip(learners, cookies, strict=True)
            ]
            return Measurement(name, requests)

        return step

    def study_steps() -> Measurement:
        per_learner = []
        for (user, catalog), headers in zip(learners, cookies, strict=True):
            per_learner.append(
                [
                    Request(
                        "POST",
                        f"/study/{quiz}/",
                        headers | FORM,
                        f"question={question}&rating={_rating()}&response_ms=4000",
                    )
                    for quiz, question in flip_questions(user, catalog, pool)
                ]
            )
        return Measurement(
            "study step: answer + next question (HTMX)", interleaved(per_learner), once=True
        )

    return [
        each("dashboard page", lambda _: "/"),
        study_steps,
        each("statistics page", lambda _: "/statistics/"),
        each("catalog page", lambda catalog: f"/catalogs/{catalog}/"),
    ]


_clients = threading.local()


def client_send(request: Request) -> int:
    """Send the request through Django's test client in this process; its status. One
    client per thread: a new one loads the middleware again (half a second here)."""
    from django.test import Client

    client = getattr(_clients, "client", None)
    if client is None:
        client = _clients.client = Client(SERVER_NAME="127.0.0.1")
    client.cookies.clear()
    headers = dict(request.headers)
    for part in filter(None, headers.pop("Cookie", "").split("; ")):
        name, value = part.split("=", 1)
        client.cookies[name] = value
    content_type = headers.pop("Content-Type", "application/octet-stream")
    response = client.generic(
        request.method, request.path, request.body, content_type, headers=headers
    )
    return response.status_code


def in_process(request: Request, expected: tuple[int, ...]) -> int:
    """The request's query count, sent through the test client in this process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        status = client_send(request)
    if status not in expected:
        raise SystemExit(f"{request.method} {request.path} answered {status}")
    return len(queries)


def queries_per_request(measurement: Measurement) -> int:
    """The measurement's queries, counted on a request of its own after a warm-up one (a
    once-only pool gives up its last two)."""
    if measurement.once:
        warm, counted = measurement.requests[-SPARE:]
        del measurement.requests[-SPARE:]
    else:
        warm = counted = measurement.requests[0]
    in_process(warm, measurement.expected)
    return in_process(counted, measurement.expected)


@dataclass
class Row:
    name: str
    client: str
    results: list[Result] = field(default_factory=list)
    baselines: list[Result] = field(default_factory=list)  # of the same repeat
    queries: int | None = None
    target: float | None = None


def _spread(values: list[float], digits: int) -> str:
    middle = statistics.median(values)
    if len(values) == 1:
        return f"{middle:,.{digits}f}"
    return f"{middle:,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def report(rows: list[Row]) -> str:
    """Medians over the repeats (min–max); each ratio against the baseline of its repeat
    (the mean of the /healthz runs before and after)."""
    lines = [
        "| request | requests | errors | req/s | × /healthz | target | p50 ms | p95 ms "
        "| p99 ms | p99 × /healthz | queries |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        rates = [r.rate for r in row.results]
        ratios = [r.rate / b.rate for r, b in zip(row.results, row.baselines, strict=True)]
        p99s = [r.p99_ms / b.p99_ms for r, b in zip(row.results, row.baselines, strict=True)]
        target = "" if row.target is None else f"≥ {row.target:.2f}"
        if row.target is not None and statistics.median(ratios) < row.target:
            target += " MISSED"
        p99_verdict = (
            "" if row.name == BASELINE else f" {'ok' if max(p99s) <= P99_TARGET else 'MISSED'}"
        )
        queries = "" if row.queries is None else str(row.queries)
        lines.append(
            f"| {row.name} | {sum(r.requests for r in row.results):,} "
            f"| {sum(r.failed for r in row.results)} | {_spread(rates, 1)} | {_spread(ratios, 2)} "
            f"| {target} | {_spread([r.p50_ms for r in row.results], 1)} "
            f"| {_spread([r.p95_ms for r in row.results], 1)} "
            f"| {_spread([r.p99_ms for r in row.results], 1)} | {_spread(p99s, 1)}{p99_verdict} "
            f"| {queries} |"
        )
    return "\n".join(lines)


def memory_report(watch: MemoryWatch, limit_mb: float = 200) -> str:
    now = watch.sample()
    lines = [f"gunicorn workers' resident memory (VmRSS), target < {limit_mb:.0f} MB:"]
    for pid, mb in sorted(now.items()):
        lines.append(f"  worker {pid}: {mb:.1f} MB now, peak {watch.peak[pid]:.1f} MB")
    peak = max(watch.peak.values(), default=0.0)
    verdict = "met" if peak < limit_mb else "MISSED"
    lines.append(f"  peak over the run, of {len(watch.peak)} worker(s): {peak:.1f} MB, {verdict}")
    return "\n".join(lines)


def measured_run(args: argparse.Namespace, environment: dict[str, str], folder: Path) -> None:
    """--mode operations / pages / both: each request alone, with wrk or Python threads."""
    from accounts.models import User

    client = args.client if args.client != "auto" else "wrk" if wrk_available() else "python"
    if client == "wrk" and not wrk_available():
        raise SystemExit("wrk is not installed (apt-get install wrk), or use --client python.")
    if client == "python":
        print("wrk is not installed: Python threads send the load (they cap the baseline).")
    learners = [
        (User.objects.get(username=name), catalog)
        for name, catalog in learners_ensure(args.learners, args.cards)
    ]
    big = User.objects.get(username=big_learner_ensure(BIG_LEARNER_CARDS))
    port = free_port()
    # No worker recycling while measuring (production: after 2,000 requests or so): a
    # recycled worker drops the requests queued on its kept-alive connections, which wrk
    # does not send again, and the memory read at the end is then of a worker that served
    # the whole load, not a fresh one.
    server = gunicorn_start(
        port,
        environment,
        folder / "gunicorn.log",
        workers=args.workers,
        extra=("--max-requests", "0"),
    )
    rows: dict[str, Row] = {}
    load_before = os.getloadavg()
    try:
        with MemoryWatch(server.pid) as watch:

            def send(measurement: Measurement, seconds: float) -> Result:
                wait_idle(server.pid, port)
                if client == "wrk":
                    return wrk_run(port, measurement, seconds, args.connections, folder)
                senders = [http_sender(port) for _ in range(args.connections)]
                return threads_run(senders, measurement, seconds)

            health = Measurement(BASELINE, [Request("GET", "/healthz")])
            send(health, 2)  # warm-up: workers started, connections made
            for repeat in range(args.repeats):
                learners_reset([user.username for user, _ in learners])
                steps: list[Step] = []
                if args.mode in ("operations", "both"):
                    steps += operation_steps(learners, big, args.pool)
                if args.mode in ("pages", "both"):
                    steps += page_steps(learners, args.pool)
                before = send(health, args.baseline_seconds)
                measured = []
                for step in steps:
                    measurement = step()
                    queries = queries_per_request(measurement)
                    measured.append((measurement, queries, send(measurement, args.seconds)))
                after = send(health, args.baseline_seconds)
                baseline = Result(
                    requests=before.requests + after.requests,
                    seconds=before.seconds + after.seconds,
                    p50_ms=(before.p50_ms + after.p50_ms) / 2,
                    p95_ms=(before.p95_ms + after.p95_ms) / 2,
                    p99_ms=(before.p99_ms + after.p99_ms) / 2,
                    errors=before.failed + after.failed,
                    sample=before.sample or after.sample,
                )
                for measurement, queries, result in [(health, 0, baseline), *measured]:
                    row = rows.setdefault(
                        measurement.name,
                        Row(measurement.name, client, target=TARGETS.get(measurement.name)),
                    )
                    row.results.append(result)
                    row.baselines.append(baseline)
                    row.queries = queries
                print(f"repeat {repeat + 1} of {args.repeats} done", flush=True)
            memory = memory_report(watch)
    finally:
        gunicorn_stop(server)
    print(
        f"\n{client} ({args.connections} connections), {len(learners)} learners, "
        f"gunicorn {args.workers} workers × 2 threads, {args.seconds:.0f} s each after "
        f"{args.baseline_seconds:.0f} s of /healthz (and again at the end), {args.repeats} "
        f"repeat(s); load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} "
        f"after, {os.cpu_count()} cores:\n"
    )
    print(report(list(rows.values())))
    print()
    print(memory)
    failed = [(row.name, r.sample) for row in rows.values() for r in row.results if r.failed]
    for name, sample in failed[:10]:
        print(f"errors in {name}: {sample}")
    if failed:
        raise SystemExit(f"{len(failed)} measurement(s) with errors")


def cpu_per_request(measurement: Measurement, count: int) -> tuple[float, float]:
    """Milliseconds of this process's CPU and of the wall clock per request, for `count`
    requests of the measurement sent through the test client in-process (no server, no
    load generator: the app's own cost, the database's wait included in the wall time)."""
    requests = measurement.requests[:count] if measurement.once else measurement.requests
    sent = 0
    cpu, wall = time.process_time(), time.perf_counter()
    while sent < count and (not measurement.once or sent < len(requests)):
        status = client_send(requests[sent % len(requests)])
        if status not in measurement.expected:
            raise SystemExit(f"{measurement.name}: {status}")
        sent += 1
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu / sent * 1000, wall / sent * 1000


def profile_run(args: argparse.Namespace) -> None:
    """--mode profile: each request's cost in this process, and a cProfile of those named
    with --cprofile; where the time goes when a ratio is short."""
    import cProfile
    import io
    import pstats

    from accounts.models import User

    learners = [
        (User.objects.get(username=name), catalog)
        for name, catalog in learners_ensure(args.learners, args.cards)
    ]
    big = User.objects.get(username=big_learner_ensure(BIG_LEARNER_CARDS))
    learners_reset([user.username for user, _ in learners])
    count = args.pool // 2
    steps = operation_steps(learners, big, args.pool) + page_steps(learners, args.pool)
    print("| request | queries | CPU ms (this process) | wall ms | × /healthz CPU |")
    print("|---|---|---|---|---|")
    health = Measurement(BASELINE, [Request("GET", "/healthz")])
    client_send(health.requests[0])
    base_cpu, base_wall = cpu_per_request(health, count)
    print(f"| {BASELINE} | 0 | {base_cpu:.1f} | {base_wall:.1f} | 1 |")
    profiles = []
    for step in steps:
        measurement = step()
        queries = queries_per_request(measurement)
        if any(name in measurement.name for name in args.cprofile):
            profiler = cProfile.Profile()
            profiler.enable()
            cpu, wall = cpu_per_request(measurement, count)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
            profiles.append(f"## {measurement.name} (cProfile on)\n{out.getvalue()}")
        else:
            cpu, wall = cpu_per_request(measurement, count)
        print(
            f"| {measurement.name} | {queries} | {cpu:.1f} | {wall:.1f} | {cpu / base_cpu:.0f} |",
            flush=True,
        )
    for profile in profiles:
        print(profile)


def mix_run(args: argparse.Namespace, environment: dict[str, str], folder: Path) -> None:
    """--mode mix: the study loop, every learner a Python thread with its own connection."""
    learners = learners_ensure(args.learners, args.cards)
    ports = [free_port() for _ in range(args.instances)]
    servers = [
        gunicorn_start(port, environment, folder / f"gunicorn-{port}.log", workers=args.workers)
        for port in ports
    ]
    recorder = Recorder()
    wall: dict[str, float] = {}
    try:
        clients = [Learner(ports, recorder) for _ in learners]

        def healthz(n: int, deadline: float) -> None:
            while time.perf_counter() < deadline:
                clients[n].call("healthz (baseline)", "GET", "/healthz")

        wall["healthz (baseline)"] = run_threads(len(clients), args.baseline_seconds, healthz)
        for n, (username, _) in enumerate(learners):
            clients[n].sign_in(username)

        def study(n: int, deadline: float) -> None:
            while time.perf_counter() < deadline:
                clients[n].study(learners[n][1])

        elapsed = run_threads(len(clients), args.seconds, study)
        wall |= {name: elapsed for name in recorder.tallies if name not in wall}
    finally:
        for server in servers:
            gunicorn_stop(server)
    recorder.tallies.pop("token", None)
    wall.pop("token", None)
    print(
        f"\n{args.learners} learners, {args.instances} instance(s) × {args.workers} gunicorn "
        f"workers, {args.seconds:.0f} s of study after {args.baseline_seconds:.0f} s of "
        "baseline:\n"
    )
    print(table(recorder.tallies, wall, "healthz (baseline)"))
    errors = [error for tally in recorder.tallies.values() for error in tally.errors]
    for error in errors[:10]:
        print("error:", error)
    if errors:
        raise SystemExit(f"{len(errors)} errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--mode",
        choices=["mix", "operations", "pages", "both", "profile"],
        default="mix",
        help="mix: the study loop (Python threads); operations, pages or both: each request "
        "alone for --seconds, in turn",
    )
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument("--instances", type=int, default=1, help="mix mode only")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--connections", type=int, default=50, help="operations and pages")
    parser.add_argument("--repeats", type=int, default=1, help="operations and pages")
    parser.add_argument(
        "--pool", type=int, default=100, help="questions to answer prepared per learner"
    )
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--cprofile", nargs="*", default=[], help="profile mode: requests to profile, by name"
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        raise SystemExit("Set DATABASE_URL (a disposable PostgreSQL database) and REDIS_URL.")

    folder = Path(tempfile.mkdtemp(prefix="cerego-load-"))
    environment = production_environment(database_url, folder) | {
        # One loopback client logs in all the learners: flood control would refuse it.
        "THROTTLE_TOKEN_RATE": "100000/minute",
        "AXES_FAILURE_LIMIT": "100000",
        "ACCOUNT_LOCKOUT_USERNAME_LIMIT": "1000000",
    }
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if args.mode in ("pages", "both", "profile"):
        call_command("collectstatic", interactive=False, verbosity=0)  # the pages' manifest
    if args.mode == "mix":
        mix_run(args, environment, folder)
    elif args.mode == "profile":
        profile_run(args)
    else:
        measured_run(args, environment, folder)


if __name__ == "__main__":
    main()
