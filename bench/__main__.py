"""Every benchmark from one command.

    bench/run …                          # on a fresh checkout: makes .venv, then as below
    .venv/bin/python -m bench            # list them
    .venv/bin/python -m bench NAME …     # run those named (their own arguments after --)
    .venv/bin/python -m bench all        # every one whose data (../shared/data) is at hand

Each benchmark is a module of this package with its own command line and its own section
in docs/performance.md, docs/reliability.md or docs/learning-quality.md; this runs them one
after the other, each in a process of its own. One that needs PostgreSQL or Redis and is
not given one (DATABASE_URL naming a PostgreSQL database, REDIS_URL) gets a throwaway one
on a free loopback port, with a database of its own, stopped and removed when the run ends
(also on Ctrl-C or an error). `--keep-data DIR` keeps the cluster in DIR for the next run,
so data a benchmark generated once is reused; `--postgresql` gives every benchmark a
database there, not only those that need PostgreSQL (the others run on a temporary SQLite
file). A DATABASE_URL given wins over both: every benchmark runs on it.
"""

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.servers import ROOT, Throwaway
from cerego.servers import MissingBinary, postgres_bindir

DATA = ROOT.parent / "shared" / "data"


@dataclass(frozen=True)
class Benchmark:
    name: str
    what: str
    needs: str = ""  # "postgresql", "postgresql+redis" or "data" (../shared/data)

    @property
    def services(self) -> set[str]:
        return set(self.needs.split("+")) - {""}


BENCHMARKS = [
    Benchmark("scheduling", "one review minus the database; memory strength of 10,000 cards"),
    Benchmark("query_counts", "queries of every hot endpoint and page at 100 and 10,000 cards"),
    Benchmark("import_bench", "the CSV import: rows per second, queries, memory"),
    Benchmark("anki_bench", "the Anki import as packages grow"),
    Benchmark("anki_compare", "import and export against Anki's own library "),
    Benchmark("fit_bench", "fitting and evaluating FSRS parameters end to end"),
    Benchmark("stats_bench", "the statistics selectors as a learner's cards and reviews grow"),
    Benchmark("enumeration_bench", "known against unknown accounts: reset, join, token"),
    Benchmark("history_bench", "an Anki package with a real review history", "data"),
    Benchmark("calibration", "fitted FSRS parameters on seven real learners", "data"),
    Benchmark("catalog_pages", "the catalog endpoints at 10,000 and 100,000 cards", "postgresql"),
    Benchmark("scale", "100,000 cards against 10,000 among 10 million reviews", "postgresql"),
    Benchmark(
        "study_load",
        "learners studying through the API (the mix), or each request and page alone (wrk)",
        "postgresql+redis",
    ),
]


def _given_postgresql(environ: Mapping[str, str]) -> bool:
    return environ.get("DATABASE_URL", "").startswith("postgres")


def missing(benchmark: Benchmark, environ: Mapping[str, str] = os.environ) -> str | None:
    """Why the benchmark cannot run here, or None."""
    if "data" in benchmark.services and not DATA.is_dir():
        return f"needs {DATA}"
    needs_postgresql = "postgresql" in benchmark.services and not _given_postgresql(environ)
    if needs_postgresql and postgres_bindir() is None:
        return "needs PostgreSQL: install it, or set DATABASE_URL"
    needs_redis = "redis" in benchmark.services and not environ.get("REDIS_URL")
    if needs_redis and shutil.which("redis-server") is None:
        return "needs redis-server: install it, or set REDIS_URL"
    return None


def environment_for(
    benchmark: Benchmark,
    servers: Throwaway,
    environ: Mapping[str, str] = os.environ,
    *,
    postgresql: bool = False,
) -> dict[str, str]:
    """The benchmark's environment: ours, with a throwaway server for what it needs and
    was not given (and a PostgreSQL database for every one with `postgresql`)."""
    environment = dict(environ)
    wants_postgresql = postgresql or "postgresql" in benchmark.services
    if wants_postgresql and not _given_postgresql(environ):
        environment["DATABASE_URL"] = servers.database_url(benchmark.name)
    if "redis" in benchmark.services and not environ.get("REDIS_URL"):
        environment["REDIS_URL"] = servers.redis_url()
    return environment


def listing() -> str:
    lines = ["benchmarks (python -m bench NAME … [-- ARGS], or all):"]
    for benchmark in BENCHMARKS:
        needs = f" (needs {benchmark.needs})" if benchmark.needs else ""
        lines.append(f"  {benchmark.name:<18} {benchmark.what}{needs}")
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n\n")[0], epilog=listing()
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run, or all")
    parser.add_argument(
        "--keep-data",
        type=Path,
        metavar="DIR",
        help="keep the throwaway PostgreSQL cluster (and what the benchmarks generate) in DIR",
    )
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help="run every benchmark on PostgreSQL, not only those that need it",
    )
    return parser


def run(command: list[str], environment: dict[str, str]) -> int:
    """The benchmark in a process group of its own. Interrupted (Ctrl-C, a kill), it gets
    a SIGINT and a minute for its `finally` to stop the servers it started (gunicorn);
    whatever of its group is left when it ends is ended too."""
    process = subprocess.Popen(  # noqa: S603 - our own modules, by a name from the table
        command, cwd=ROOT, env=environment, start_new_session=True
    )
    try:
        return process.wait()
    except BaseException:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)


def main(arguments: list[str]) -> int:
    extra: list[str] = []
    if "--" in arguments:
        cut = arguments.index("--")
        arguments, extra = arguments[:cut], arguments[cut + 1 :]
    options = parser().parse_args(arguments)
    if not options.names:
        print(listing())
        return 0
    known = {benchmark.name: benchmark for benchmark in BENCHMARKS}
    names = list(known) if options.names == ["all"] else options.names
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    failed = []
    with Throwaway(options.keep_data) as servers:
        for name in names:
            reason = missing(known[name])
            if reason is not None:
                print(f"== bench.{name}: skipped, {reason}", flush=True)
                if options.names != ["all"]:
                    failed.append(name)
                continue
            try:
                environment = environment_for(known[name], servers, postgresql=options.postgresql)
            except (MissingBinary, RuntimeError) as error:
                print(f"== bench.{name}: {error}", file=sys.stderr)
                failed.append(name)
                continue
            print(f"== bench.{name}", flush=True)
            if run([sys.executable, "-m", f"bench.{name}", *extra], environment):
                failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    # A kill stops the servers as Ctrl-C does: SystemExit unwinds through `with Throwaway`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    # Ctrl-C raises here even when started in the background (which ignores SIGINT), and
    # so in each benchmark, which inherits an ignored SIGINT but not a handler.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)  # the servers are stopped already; no traceback for a Ctrl-C
