"""The study-loop benchmark at a tiny size, through the test client, so it does not rot:
one learner, every operation and page prepared, counted and sent for a moment."""

import http.server
import os
import subprocess
import sys
import threading

import pytest
from django.db import connections

from bench.load_client import (
    Measurement,
    MemoryWatch,
    Request,
    children_of,
    resident_mb,
    threads_run,
    wrk_available,
    wrk_run,
)
from bench.study_load import (
    BASELINE,
    Row,
    big_learner_ensure,
    client_send,
    learners_ensure,
    learners_reset,
    operation_steps,
    page_steps,
    queries_per_request,
    report,
)

# Committed: the load generator's thread reads the learners through a connection of its own.
pytestmark = pytest.mark.django_db(transaction=True)


def close_all() -> None:
    connections.close_all()  # the thread's own, or the test database outlives the run


def test_every_operation_and_page_is_prepared_counted_and_sent_without_errors():
    from accounts.models import User

    # Cards enough that the once-only syncs, each studying one more card, cannot use them
    # all in their moment however fast the machine: the study steps after them need new ones.
    ((name, catalog),) = learners_ensure(1, 400)
    user, big = User.objects.get(username=name), User.objects.get(username=big_learner_ensure(20))
    learners = [(user, catalog)]
    steps = operation_steps(learners, big, pool=6) + page_steps(learners, pool=6)

    rows = []
    baseline = threads_run(
        [client_send], Measurement(BASELINE, [Request("GET", "/healthz")]), 0.2, close_all
    )
    for step in steps:
        measurement = step()
        queries = queries_per_request(measurement)
        result = threads_run([client_send], measurement, 0.2, close_all)
        assert result.requests > 0, measurement.name
        assert result.errors == 0, (measurement.name, result.sample)
        assert result.spilled <= 1  # a once-only pool of six runs out in a moment
        assert queries > 0
        rows.append(Row(measurement.name, "test client", [result], [baseline], queries))
    learners_reset([name])

    table = report(rows)
    for expected in (
        "answer a question",
        "create a 20-question quiz",
        "sync one review",
        "progress summary",
        "dashboard page",
        "study step",
        "statistics page",
        "catalog page",
    ):
        assert f"| {expected}" in table


def test_a_once_only_pool_never_sends_a_request_twice():
    sent = []
    measurement = Measurement("once", [Request("GET", f"/{n}") for n in range(3)], once=True)

    def send(request: Request) -> int:
        sent.append(request.path)
        return 200

    result = threads_run([send], measurement, 5)

    assert sorted(sent) == ["/0", "/1", "/2"]
    assert result.errors == 0
    assert result.spilled == 1  # the pool ran out before the time did: said, not hidden


def test_wrk_sends_the_prepared_requests_and_reports_them(tmp_path):
    if not wrk_available():  # .ci/run installs it: there the test must run
        if os.environ.get("CI"):
            pytest.fail("CI needs wrk for the load benchmark's test")
        pytest.skip("wrk is not installed (apt-get install wrk)")

    class Answer(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            if self.path == "/ok":
                connections.add(self.client_address)
            status = 200 if self.path == "/ok" else 404
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    connections: set[tuple[str, int]] = set()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        # One request, two wrk threads of a connection each: both send it (the baseline).
        fine = wrk_run(port, Measurement("fine", [Request("GET", "/ok")]), 1, 2, tmp_path)
        wrong = wrk_run(port, Measurement("wrong", [Request("GET", "/no")]), 1, 2, tmp_path)
    finally:
        server.shutdown()

    assert fine.requests > 0
    assert fine.errors == 0
    assert len(connections) >= 2, "a wrk thread sent nothing"
    assert fine.p99_ms >= fine.p50_ms > 0
    assert wrong.requests > 0
    assert wrong.errors == wrong.requests
    assert wrong.sample.startswith("404")


def test_the_memory_of_child_processes_is_read():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in children_of(os.getpid())
        with MemoryWatch(os.getpid(), interval=0.05) as watch:
            now = watch.sample()
        assert now[child.pid] == pytest.approx(resident_mb(child.pid), rel=0.5)
        assert now[child.pid] > 1
    finally:
        child.kill()
        child.wait()
