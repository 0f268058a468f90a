"""Servers for the fault tests: the throwaway Redis and PostgreSQL of cerego/servers.py
(skipped without their programs, except in CI, where they must run), and the site as
deployed on gunicorn. The machine's own servers (6379, 5432) are never touched.
"""

import os
import secrets
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from cerego import servers
from cerego.servers import ServerProcess, free_port, wait_until
from cerego.settings import BASE_DIR


@contextmanager
def installed():
    """Without the server's program the test is skipped, except in CI, where it must run."""
    try:
        yield
    except servers.MissingBinary as missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs {missing} for the fault tests")
        pytest.skip(f"{missing} not installed")


class RedisServer(servers.RedisServer):
    def __init__(self) -> None:
        with installed():
            super().__init__()


class PostgresCluster(servers.PostgresCluster):
    def __init__(self) -> None:
        with installed():
            super().__init__()


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


class Gunicorn(ServerProcess):
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
