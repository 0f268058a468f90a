"""`python -m bench`: the list of benchmarks, and the throwaway servers it starts for them."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
import redis

from bench import ROOT
from bench.__main__ import BENCHMARKS, Benchmark, environment_for
from bench.servers import Throwaway
from cerego.tests.servers import installed

NEEDS_BOTH = Benchmark("load", "a study loop", "postgresql+redis")


def test_with_no_arguments_it_lists_every_benchmark_and_runs_none():
    done = subprocess.run(
        [sys.executable, "-m", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines()[1:]]
    assert listed == [benchmark.name for benchmark in BENCHMARKS]
    assert "== bench." not in done.stdout


def test_a_database_and_a_redis_given_win_and_nothing_is_started():
    given = {"DATABASE_URL": "postgresql://elsewhere/db", "REDIS_URL": "redis://elsewhere/3"}
    with Throwaway() as servers:
        environment = environment_for(NEEDS_BOTH, servers, given, postgresql=True)
        on_sqlite = environment_for(Benchmark("import", "the CSV import"), servers, {})

        assert (servers.cluster, servers.redis) == (None, None)
    assert environment["DATABASE_URL"] == given["DATABASE_URL"]
    assert environment["REDIS_URL"] == given["REDIS_URL"]
    assert "DATABASE_URL" not in on_sqlite  # needing no PostgreSQL, it makes its SQLite file


@pytest.fixture
def kept():
    """A folder the postgres user can reach (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="cerego-bench-kept-"))
    folder.chmod(0o755)
    yield folder / "kept"
    shutil.rmtree(folder, ignore_errors=True)


def test_the_servers_it_starts_answer_and_are_gone_afterwards_and_kept_data_stays(kept):
    with Throwaway() as servers:  # a temporary cluster
        with installed():  # skipped without PostgreSQL and redis-server (not in CI)
            environment = environment_for(NEEDS_BOTH, servers, {"DATABASE_URL": "sqlite:///x"})
        assert servers.cluster is not None
        temporary = servers.cluster.folder
        with psycopg.connect(environment["DATABASE_URL"]) as connection:
            assert connection.execute("SELECT current_database()").fetchone() == (
                "cerego_bench_load",
            )
        assert redis.Redis.from_url(environment["REDIS_URL"]).ping()
    assert not temporary.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(environment["DATABASE_URL"], connect_timeout=2)
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(environment["REDIS_URL"], socket_timeout=2).ping()

    for run in range(2):  # --keep-data: what the first run wrote, the second finds
        with Throwaway(kept) as servers:
            url = servers.database_url("load")
            with psycopg.connect(url, autocommit=True) as connection:
                if run == 0:
                    connection.execute("CREATE TABLE generated AS SELECT 42 AS answer")
                else:
                    assert connection.execute("SELECT answer FROM generated").fetchone() == (42,)
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(url, connect_timeout=2)
        assert (kept / "postgresql" / "data" / "PG_VERSION").exists()
    assert not (kept / "postgresql" / "data" / "postmaster.pid").exists()
