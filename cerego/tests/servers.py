"""Throwaway Redis and PostgreSQL servers for fault tests, on free ports of their own.

A fault test stops and starts its server; the machine's own (6379, 5432) are never touched.
Without the binaries the test is skipped, except in CI (CI=true), where it must run.
"""

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis

from cerego.settings import BASE_DIR


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_binary(path: str | None, what: str) -> str:
    if path is None or not os.access(path, os.X_OK):
        if os.environ.get("CI"):
            pytest.fail(f"CI needs {what} for the fault tests")
        pytest.skip(f"{what} not installed")
    return path


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class _Process:
    """A server this test started, stopped gently (SIGTERM) and waited for."""

    process: subprocess.Popen | None = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class RedisServer(_Process):
    def __init__(self) -> None:
        self.binary = require_binary(shutil.which("redis-server"), "redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [self.binary, "--port", str(self.port), *options], stdout=subprocess.DEVNULL
        )
        wait_until(self.answers, 10, f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_timeout=0.5).ping())
        except redis.ConnectionError:
            return False


def _postgres_bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    return found[-1] if found else None


class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder; as root it runs as the postgres user."""

    def __init__(self) -> None:
        bindir = _postgres_bindir()
        self.pg_ctl = require_binary(bindir and f"{bindir}/pg_ctl", "PostgreSQL (pg_ctl)")
        self.initdb = require_binary(bindir and f"{bindir}/initdb", "PostgreSQL (initdb)")
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.folder = Path(tempfile.mkdtemp(prefix="cerego-pg-"))
        self.data = self.folder / "data"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres")

    def _run(self, *command: str) -> None:
        done = subprocess.run(  # noqa: S603 - the PostgreSQL binaries with fixed arguments
            [*self.as_user, *command], capture_output=True, text=True, cwd=self.folder, check=False
        )
        assert done.returncode == 0, f"{command[0]} failed: {done.stderr or done.stdout}"

    def create(self) -> None:
        self._run(self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off -c full_page_writes=off"
        )
        log = str(self.folder / "server.log")
        self._run(self.pg_ctl, "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def production_env(database_url: str) -> dict[str, str]:
    """The environment of a production process (DEBUG off, tasks queued) on this database."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    return env | {
        "DJANGO_SETTINGS_MODULE": "cerego.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": database_url,
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, str(BASE_DIR / "manage.py"), *args]
    done = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        command, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def web_env(database_url: str, folder: Path) -> dict[str, str]:
    """A production environment for gunicorn on this database, migrated and with its static
    files collected (the pages need the manifest)."""
    env = production_env(database_url) | {
        "TASKS_BACKEND": "immediate",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(folder / "static"),
    }
    manage(env, "migrate", "--verbosity=0")
    manage(env, "collectstatic", "--no-input", "--verbosity=0")
    return env


class Gunicorn(_Process):
    """gunicorn (one worker, two threads) with `env` on a free loopback port."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"gunicorn-{self.port}.log"
        self.process = None

    def start(self) -> None:
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            str(BASE_DIR / "gunicorn.conf.py"),
            f"--bind=127.0.0.1:{self.port}",
            "--workers=1",
            "--threads=2",
            "cerego.wsgi:application",
        ]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
                command, env=self.env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until(self.answers, 30, f"gunicorn on port {self.port}")

    def answers(self) -> bool:
        assert self.process is not None
        assert self.process.poll() is None, self.log.read_text()
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False


class ProductionSite:
    """Cerego as deployed: production settings, a database made by `init_db` with its
    admin, collected static files, gunicorn behind a TLS proxy on loopback (the test sends
    the proxy's `X-Forwarded-Proto`), the HTTPS redirect on."""

    host = "cerego.example.com"
    admin = ("site-admin", "site-admin@example.com", "a-long-admin-pass-phrase-2026")

    def __init__(self, folder: Path) -> None:
        self.env = production_env(f"sqlite:///{folder / 'site.sqlite3'}") | {
            "JWT_SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": self.host,
            "CSRF_TRUSTED_ORIGINS": f"https://{self.host}",
            "SITE_URL": f"https://{self.host}",
            "USE_X_FORWARDED_PROTO": "true",
            "TASKS_BACKEND": "immediate",
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
            "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587",
            "ADMIN_USERNAME": self.admin[0],
            "ADMIN_EMAIL": self.admin[1],
            "ADMIN_PASSWORD": self.admin[2],
        }
        self.server = Gunicorn(self.env, folder)

    @property
    def port(self) -> int:
        return self.server.port

    def start(self) -> None:
        manage(self.env, "init_db", "--verbosity=0")
        manage(self.env, "collectstatic", "--no-input", "--verbosity=0")
        self.server.start()

    def stop(self) -> None:
        self.server.stop()
