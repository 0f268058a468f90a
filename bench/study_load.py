"""A bounded load test: simulated learners studying through the API, on gunicorn with the
production settings, PostgreSQL and Redis.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cerego_load_bench \\
    REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python -m bench.study_load [--learners 100] [--seconds 60] [--instances 1]
        .venv/bin/python -m bench.study_load --mode operations --learners 50 --seconds 20

DATABASE_URL must be a disposable database (migrated, given `--learners` learners with a
catalog of `--cards` cards each, reused by later runs). Each learner is a thread with a
kept-alive connection of its own, in a closed loop and without pauses: get a token, then
over and over draw a 20-question quiz, answer every question (a choice at random, a typed
answer, a flip graded Good; after a wrong answer the quiz is read again, as the API guide
says), read the progress summary, sync one offline review. With
`--instances 2` two gunicorns serve the same database and Redis and every request goes to
the other one than the last (scale-out: tokens, quizzes in progress and syncs must not
care). First the same threads hammer `/healthz` for a baseline measured in the same run.

`--mode operations` measures each operation alone instead, every learner's thread doing only
that for `--seconds`: answering (each thread answers a quiz of 100 flip questions drawn
before the clock starts, one in five graded Again), drawing a 20-question quiz, syncing one
review, and the progress summary of a learner with 10,000 cards (nine in ten studied, with
history).

Prints, per operation: requests, errors (any 5xx or unexpected status), throughput and
p50/p95/p99 latency, and the ratios to the baseline. Results: docs/reliability.md.
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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.servers import ROOT, free_port, gunicorn_start, gunicorn_stop, production_environment

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

    def quiz_of_flip_questions(self, catalog: int, size: int) -> list[str]:
        """Draw a quiz of flip questions (self-graded: any rating is a valid answer, and a
        wrong one changes no later question's type); "quiz:question" of each, in order."""
        draw = {"catalog": catalog, "size": size, "quiz_types": ["flip"]}
        quiz = self.call("setup", "POST", "/api/v1/quizzes/", draw, ok=(201,))
        return [f"{quiz['id']}:{question['id']}" for question in quiz.get("questions", [])]

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
ANSWERS_PER_THREAD = 100  # one quiz of 100 flip questions each, drawn before the clock runs


def operations_run(clients: list[Learner], learners: list[tuple[str, int]], seconds: float):
    """Each operation alone, by every learner's thread at once (the last learner, with
    10,000 cards, only lends its token to the summary); the wall time of each."""
    studying, big = clients[:-1], clients[-1]
    wall: dict[str, float] = {}
    queues = [
        client.quiz_of_flip_questions(learners[n][1], ANSWERS_PER_THREAD)
        for n, client in enumerate(studying)
    ]

    def answer(n: int, deadline: float) -> None:
        while queues[n] and time.perf_counter() < deadline:
            quiz, question = queues[n].pop(0).split(":")
            # One in five forgotten, as a learner at 80-90 % retention. (Flip has no easier
            # type, so no answer here takes the re-draw after a wrong choice or typed answer.)
            rating = random.choice([1, 3, 3, 3, 4])
            body: dict[str, object] = {"question": int(question), "rating": rating}
            body |= {"response_ms": 4000, "client_review_id": str(uuid.uuid4())}
            studying[n].call("answer", "POST", f"/api/v1/quizzes/{quiz}/answers/", body)

    def create_quiz(n: int, deadline: float) -> None:
        draw = {"catalog": learners[n][1], "size": QUIZ_SIZE}
        while time.perf_counter() < deadline:
            studying[n].call("create a 20-question quiz", "POST", "/api/v1/quizzes/", draw, (201,))

    def summary(n: int, deadline: float) -> None:
        studying[n].headers["Authorization"] = big.headers["Authorization"]
        while time.perf_counter() < deadline:
            studying[n].call("progress summary (10,000 cards)", "GET", "/api/v1/progress/summary/")

    def sync(n: int, deadline: float) -> None:
        while time.perf_counter() < deadline:
            review = {
                "client_review_id": str(uuid.uuid4()),
                "flashcard": studied_card_of[n],
                "rating": 3,
                "reviewed_at": datetime.now(UTC).isoformat(),
                "quiz_type": "flip",
            }
            studying[n].call("sync one review", "POST", "/api/v1/reviews/sync/", [review])

    from decks.models import CatalogFlashcard

    studied_card_of = [
        CatalogFlashcard.objects.filter(catalog_id=catalog).values_list("flashcard_id", flat=True)[
            0
        ]
        for _, catalog in learners[:-1]
    ]
    for name, work in [
        ("answer", answer),
        ("create a 20-question quiz", create_quiz),
        ("sync one review", sync),
        ("progress summary (10,000 cards)", summary),  # last: it swaps the tokens
    ]:
        wall[name] = run_threads(len(studying), seconds, work)
    return wall


def run_threads(count: int, seconds: float, work) -> float:
    """`work(n, deadline)` in `count` threads started together; the wall time it took."""
    barrier = threading.Barrier(count + 1)
    deadline_box: list[float] = []

    def run(n: int) -> None:
        barrier.wait()
        work(n, deadline_box[0])

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    deadline_box.append(time.perf_counter() + seconds)
    started = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument(
        "--mode",
        choices=["mix", "operations"],
        default="mix",
        help="mix: the study loop; operations: each operation alone for --seconds, in turn",
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
    started = time.perf_counter()
    learners = learners_ensure(args.learners, args.cards)
    if args.mode == "operations":
        learners.append((big_learner_ensure(BIG_LEARNER_CARDS), 0))
    print(
        f"{len(learners)} learners with {args.cards} cards each, ready in "
        f"{time.perf_counter() - started:.1f} s"
    )

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

        if args.mode == "mix":

            def study(n: int, deadline: float) -> None:
                while time.perf_counter() < deadline:
                    clients[n].study(learners[n][1])

            elapsed = run_threads(len(clients), args.seconds, study)
            wall |= {name: elapsed for name in recorder.tallies if name not in wall}
        else:
            wall |= operations_run(clients, learners, args.seconds)
    finally:
        for server in servers:
            gunicorn_stop(server)
    for name in ("token", "setup"):
        recorder.tallies.pop(name, None)
        wall.pop(name, None)
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


if __name__ == "__main__":
    main()
