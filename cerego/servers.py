"""Throwaway Redis and PostgreSQL servers on free loopback ports of their own.

The fault tests stop and start them (cerego/tests/servers.py), and `python -m bench` starts
them for the benchmarks that need a database or a cache it was not given; the machine's own
servers (6379, 5432) are never touched. Not used by the site itself.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis


class MissingBinary(Exception):
    """A server's program is not installed; the message names it."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_binary(path: str | None, what: str) -> str:
    if path is None or not os.access(path, os.X_OK):
        raise MissingBinary(what)
    return path


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class ServerProcess:
    """A server we started as a child process, stopped gently (SIGTERM) and waited for."""

    process: subprocess.Popen | None = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class RedisServer(ServerProcess):
    """redis-server without persistence: what it holds goes with it."""

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


def postgres_bindir() -> str | None:
    """The newest PostgreSQL installed (Debian's layout), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    return found[-1] if found else None


class PostgresCluster:
    """A PostgreSQL cluster in `folder` (a new temporary one unless given, to keep its data
    between runs); as root it runs as the postgres user, which then owns the folder."""

    def __init__(self, folder: Path | None = None) -> None:
        bindir = postgres_bindir()
        self.pg_ctl = require_binary(bindir and f"{bindir}/pg_ctl", "PostgreSQL (pg_ctl)")
        self.initdb = require_binary(bindir and f"{bindir}/initdb", "PostgreSQL (initdb)")
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="cerego-pg-"))
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.data = self.folder / "data"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres")
            self._reachable()

    def _run(self, *command: str) -> None:
        done = subprocess.run(  # noqa: S603 - the PostgreSQL binaries with fixed arguments
            [*self.as_user, *command], capture_output=True, text=True, cwd=self.folder, check=False
        )
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed: {done.stderr or done.stdout}")

    def _reachable(self) -> None:
        """A folder under one only root may enter (a home, pytest's tmp_path) fails later,
        in initdb, with a message that does not say so."""
        folder = str(self.folder)
        test = [*self.as_user, "test", "-w", folder, "-a", "-x", folder]
        if subprocess.run(test, check=False).returncode:  # noqa: S603 - fixed arguments
            raise RuntimeError(
                f"the postgres user cannot reach {folder}: choose a folder it can "
                "(its parents need o+x), or run as that user"
            )

    @property
    def created(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def create(self) -> None:
        # --no-sync: the server runs with fsync off as well; a crash may cost the data.
        options = ["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]
        self._run(self.initdb, "-D", str(self.data), *options)

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
        if self.running:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
