"""The load generators of bench/study_load.py, and the gunicorn workers' memory.

A measurement is a list of prepared requests sent by `connections` concurrent kept-alive
connections for a bounded time: with wrk (C, event loop, bench/load.lua) when it is
installed, else with Python threads, one per connection. On two shared cores a Python
client burns the CPU the server needs, so it caps the baseline (/healthz) most and the
ratios it gives flatter the slow operations; wrk measures the server. The benchmark says
which one ran.
"""

import http.client
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.servers import ROOT

LUA = ROOT / "bench" / "load.lua"
WRK_THREADS = 2  # the machine's cores


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass
class Measurement:
    """Requests of one operation or page. `once`: each may be sent only once (an answer to
    a question); otherwise they are sent over and over."""

    name: str
    requests: list[Request]
    once: bool = False
    expected: tuple[int, ...] = (200,)
    target: float | None = None  # the least throughput, as a share of the baseline's


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # connection errors, timeouts and unexpected statuses
    sample: str = ""  # the first error, to say what went wrong
    spilled: int = 0  # requests wanted once the prepared once-only pool had run out

    @property
    def failed(self) -> int:
        """Errors, and spills too: a run that ran out of requests measured too little."""
        return self.errors + self.spilled

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_run(
    port: int, measurement: Measurement, seconds: float, connections: int, folder: Path
) -> Result:
    """The measurement through wrk for `seconds`."""
    file = folder / f"{measurement.name.replace(' ', '-').replace('/', '-')}.tsv"
    with file.open("w") as out:
        for request in measurement.requests:
            headers = "\x1f".join(f"{name}: {value}" for name, value in request.headers.items())
            out.write(f"{request.method}\t{request.path}\t{headers}\t{request.body}\n")
    threads = min(WRK_THREADS, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}",
        "--",
        str(file),
        "once" if measurement.once else "cycle",
        str(threads),
        ",".join(map(str, measurement.expected)),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - wrk, fixed arguments
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK-RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("WRK-RESULT "))
    errors = sum(raw[k] for k in ("connect", "read", "write", "timeout", "unexpected"))
    sample = raw["sample"] or ", ".join(
        f"{k} {raw[k]}" for k in ("connect", "read", "write", "timeout", "spilled") if raw[k]
    )
    return Result(
        requests=raw["requests"] - raw["spilled"],  # the spills went to /healthz
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=errors,
        sample=sample,
        spilled=raw["spilled"],
    )


Send = Callable[[Request], int]  # one request → its status


def http_sender(port: int) -> Send:
    """One kept-alive connection; a request is sent again once on a fresh connection when
    the server had closed the kept-alive one meanwhile, as HTTP clients do."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(request: Request) -> int:
        for attempt in (1, 2):
            try:
                connection.request(
                    request.method,
                    request.path,
                    body=request.body or None,
                    headers=request.headers,
                )
                response = connection.getresponse()
                response.read()
                return response.status
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    return send


def run_threads(count: int, seconds: float, work: Callable[[int, float], None]) -> float:
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
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def threads_run(
    senders: list[Send],
    measurement: Measurement,
    seconds: float,
    thread_done: Callable[[], None] | None = None,
) -> Result:
    """The measurement through one Python thread per sender for `seconds`; each thread
    calls `thread_done` at its end (to close its database connection, in the tests)."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    spilled: list[int] = []
    cursor = iter(range(len(measurement.requests) * 10**6))

    def work(n: int, deadline: float) -> None:
        try:
            send_until(senders[n], deadline)
        finally:
            if thread_done is not None:
                thread_done()

    def send_until(send: Send, deadline: float) -> None:
        while time.perf_counter() < deadline:
            with lock:
                n = next(cursor)
            if measurement.once and n >= len(measurement.requests):
                with lock:
                    spilled.append(1)
                return
            request = measurement.requests[n % len(measurement.requests)]
            started = time.perf_counter()
            try:
                status = send(request)
                error = None if status in measurement.expected else f"status {status}"
            except (OSError, http.client.HTTPException) as failure:
                error = repr(failure)
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                if error:
                    errors.append(error)

    elapsed = run_threads(len(senders), seconds, work)
    return Result(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
        errors=len(errors),
        sample=errors[0] if errors else "spilled" if spilled else "",
        spilled=len(spilled),
    )


# --- Memory -----------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers, for its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command may hold spaces and parentheses: the fields follow the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def resident_mb(pid: int) -> float | None:
    """VmRSS of the process in MB, or None once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_ticks(pids: list[int]) -> int:
    """User and system CPU time the processes have used, in clock ticks."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def _answers_promptly(port: int, within: float) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=within)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def wait_idle(master: int, port: int, timeout: float = 180) -> float:
    """Wait until gunicorn's workers have stopped working and answer /healthz within a
    second; the seconds it took. A load generator that stops closes its connections, but
    the server still answers what they had sent: the next measurement must not start
    behind that queue. (Workers waiting on the database use no CPU, hence the probe.)"""
    started = time.perf_counter()
    quiet = 0
    before = cpu_ticks(children_of(master))
    while time.perf_counter() - started < timeout:
        time.sleep(0.25)
        now = cpu_ticks(children_of(master))
        quiet = quiet + 1 if now - before <= 1 else 0
        before = now
        if quiet >= 2 and _answers_promptly(port, 1.0):
            break
    return time.perf_counter() - started


class MemoryWatch:
    """Samples the resident memory of a gunicorn master's workers every `interval` s while
    the load runs: the peak of every worker counts, also of one replaced meanwhile."""

    def __init__(self, master: int, interval: float = 0.5) -> None:
        self.master, self.interval = master, interval
        self.peak: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> dict[int, float]:
        now = {}
        for pid in children_of(self.master):
            mb = resident_mb(pid)
            if mb is not None:
                now[pid] = mb
                self.peak[pid] = max(self.peak.get(pid, 0.0), mb)
        return now
