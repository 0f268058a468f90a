"""Every benchmark from one command.

    .venv/bin/python -m bench            # list them; run the in-process ones (no server)
    .venv/bin/python -m bench NAME …     # run those named (extra arguments after --)
    .venv/bin/python -m bench all        # every one whose database and data are at hand

Each benchmark is a module of this package with its own command line and its own section
in docs/performance.md, docs/reliability.md or docs/learning-quality.md; this only runs
them one after the other, each in a process of its own.
"""

import os
import subprocess
import sys
from dataclasses import dataclass

from bench.servers import ROOT


@dataclass(frozen=True)
class Benchmark:
    name: str
    what: str
    needs: str = ""  # "postgresql", "postgresql+redis" or "data" (../shared/data)


BENCHMARKS = [
    Benchmark("scheduling", "one review minus the database; memory strength of 10,000 cards"),
    Benchmark("query_counts", "queries of every hot endpoint and page at 100 and 10,000 cards"),
    Benchmark("import_bench", "the CSV import: rows per second, queries, memory"),
    Benchmark("anki_bench", "the Anki import as packages grow"),
    Benchmark("fit_bench", "fitting and evaluating FSRS parameters end to end"),
    Benchmark("stats_bench", "the statistics selectors as a learner's cards and reviews grow"),
    Benchmark("enumeration_bench", "known against unknown accounts: reset, join, token"),
    Benchmark("history_bench", "an Anki package with a real review history", "data"),
    Benchmark("calibration", "fitted FSRS parameters on seven real learners", "data"),
    Benchmark("catalog_pages", "the catalog endpoints at 10,000 and 100,000 cards", "postgresql"),
    Benchmark(
        "study_load",
        "learners studying through the API (the mix), or each request and page alone (wrk)",
        "postgresql+redis",
    ),
]
IN_PROCESS = ["scheduling", "query_counts"]


def available(benchmark: Benchmark) -> bool:
    database = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if benchmark.needs == "data":
        return (ROOT.parent / "shared" / "data").is_dir()
    if benchmark.needs == "postgresql":
        return database
    if benchmark.needs == "postgresql+redis":
        return database and bool(os.environ.get("REDIS_URL"))
    return True


def main(arguments: list[str]) -> int:
    names, extra = arguments, []
    if "--" in arguments:
        cut = arguments.index("--")
        names, extra = arguments[:cut], arguments[cut + 1 :]
    known = {benchmark.name: benchmark for benchmark in BENCHMARKS}
    if not names:
        for benchmark in BENCHMARKS:
            needs = f" (needs {benchmark.needs})" if benchmark.needs else ""
            print(f"  {benchmark.name:<18} {benchmark.what}{needs}")
        print()
        names = IN_PROCESS
    elif names == ["all"]:
        names = [benchmark.name for benchmark in BENCHMARKS if available(benchmark)]
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        print(f"== bench.{name}", flush=True)
        done = subprocess.run(  # noqa: S603 - our own modules, by a name from the table above
            [sys.executable, "-m", f"bench.{name}", *extra], cwd=ROOT, check=False
        )
        if done.returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
