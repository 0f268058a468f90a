"""The servers the benchmarks run against, on free loopback ports: gunicorn with the
production settings, and a throwaway PostgreSQL and Redis for those not given one."""

import http.client
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

from bench import ROOT as ROOT  # the benchmarks take these from here
from cerego.servers import PostgresCluster, RedisServer
from cerego.servers import free_port as free_port


def production_environment(database_url: str, folder: Path) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "cerego.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "JWT_SECRET_KEY": secrets.token_urlsafe(64),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "WARNING",
    }


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    finally:
        connection.close()


def gunicorn_start(
    port: int,
    environment: dict[str, str],
    log: Path,
    *,
    workers: int = 2,
    threads: int = 2,
    extra: tuple[str, ...] = (),
) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "cerego.wsgi",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        *extra,
    ]
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()}")
        try:
            if _answers(port):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer in 30 s:\n{log.read_text()}")


def gunicorn_stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class Throwaway:
    """A PostgreSQL cluster and a redis-server of our own, each started the first time a
    benchmark asks for it and stopped by `close()`. The cluster lives in a temporary folder
    removed afterwards, or in `keep_data`, where it stays (stopped) for the next run.
    Every benchmark gets a database of its own in it: they make learners of the same names.
    """

    def __init__(self, keep_data: Path | None = None) -> None:
        self.keep_data = keep_data
        self.cluster: PostgresCluster | None = None
        self.redis: RedisServer | None = None

    def __enter__(self) -> "Throwaway":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def database_url(self, benchmark: str) -> str:
        """postgresql://… of the benchmark's database, made if it is not there yet."""
        if self.cluster is None:
            self.cluster = PostgresCluster(self.keep_data and self.keep_data / "postgresql")
            if not self.cluster.created:
                self.cluster.create()
            print(f"PostgreSQL: starting a cluster in {self.cluster.folder}", flush=True)
            self.cluster.start()
        name = f"cerego_bench_{benchmark}"
        with psycopg.connect(self.cluster.url, autocommit=True) as connection:
            found = "SELECT 1 FROM pg_database WHERE datname = %s"
            if connection.execute(found, [name]).fetchone() is None:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return f"postgresql://postgres@127.0.0.1:{self.cluster.port}/{name}"

    def redis_url(self) -> str:
        if self.redis is None:
            self.redis = RedisServer()
            print(f"Redis: starting redis-server on port {self.redis.port}", flush=True)
            self.redis.start()
        return self.redis.url

    def close(self) -> None:
        if self.redis is not None:
            self.redis.stop()
            self.redis = None
            print("Redis: stopped", flush=True)
        if self.cluster is not None:
            if self.keep_data is None:
                self.cluster.remove()
                print("PostgreSQL: stopped, its folder removed", flush=True)
            elif self.cluster.running:
                self.cluster.stop()
                print(f"PostgreSQL: stopped, its data kept in {self.cluster.folder}", flush=True)
            self.cluster = None
