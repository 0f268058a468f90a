"""Back up and restore the whole database as one file.

PostgreSQL goes through `pg_dump`/`pg_restore` (custom format: compressed, restorable
table by table, and it carries the sequences, so ids go on where they stopped). The
embedded SQLite uses SQLite's online backup API, which copies a consistent snapshot while
the app keeps serving. Either way a restore replaces everything the database holds.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


def _is_postgresql(alias: str) -> bool:
    return connections[alias].vendor == "postgresql"


def _postgresql_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed here: install the PostgreSQL client tools (the same "
            "major version as the server or newer), or run it in the database's container."
        )
    return path


def _postgresql_run(tool: str, arguments: list[str], alias: str | None) -> None:
    """Run a client tool against the database `alias` (None: the tool needs no server)."""
    database = connections[alias].settings_dict if alias else {}
    environment = os.environ | {"PGPASSWORD": str(database.get("PASSWORD") or "")}
    target = (
        [
            f"--host={database.get('HOST') or '127.0.0.1'}",
            f"--port={database.get('PORT') or 5432}",
            f"--username={database.get('USER') or 'postgres'}",
            f"--dbname={database['NAME']}",
        ]
        if alias
        else []
    )
    result = subprocess.run(  # noqa: S603 - a fixed tool, arguments from our own settings
        [_postgresql_tool(tool), *target, *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.returncode}")


def _sqlite_connection(alias: str) -> sqlite3.Connection:
    connection = connections[alias]
    connection.ensure_connection()
    return connection.connection


def database_backup(path: Path, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Write a consistent copy of the database to `path` (written aside, then moved in
    place, so an interrupted backup never leaves a half file under the name)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if _is_postgresql(alias):
            dump = ["--format=custom", "--no-owner", f"--file={partial}"]
            _postgresql_run("pg_dump", dump, alias)
        else:
            target = sqlite3.connect(partial)
            try:
                _sqlite_connection(alias).backup(target)
            finally:
                target.close()
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_backup_open(path: Path) -> sqlite3.Connection:
    """The backup, checked to be a whole SQLite database of this project."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (verdict,) = source.execute("PRAGMA quick_check").fetchone()
        source.execute("SELECT 1 FROM django_migrations LIMIT 1")
    except sqlite3.DatabaseError as error:
        source.close()
        raise BackupError(f"{path} is not a backup of this database: {error}") from error
    if verdict != "ok":
        source.close()
        raise BackupError(f"{path} is damaged: {verdict}")
    return source


def database_restore(path: Path, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Replace everything the database holds with the backup at `path`, in one transaction:
    a backup that cannot be read changes nothing."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    if _is_postgresql(alias):
        # Our own idle connection must not hold a lock on a table pg_restore drops.
        connections[alias].close()
        _postgresql_run("pg_restore", ["--list", str(path)], None)  # a readable archive?
        replace = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _postgresql_run("pg_restore", [*replace, "--exit-on-error", str(path)], alias)
        return
    source = _sqlite_backup_open(path)
    try:
        source.backup(_sqlite_connection(alias))
    finally:
        source.close()
