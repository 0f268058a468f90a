"""The task worker waits out a database restart instead of dying.

The test runs its own PostgreSQL cluster on a free port (never the machine's own server),
a real `manage.py db_worker` against it, and stops the cluster for six seconds.
"""

import subprocess
import sys
import time
from pathlib import Path

import psycopg
import yaml

from cerego.settings import BASE_DIR
from cerego.tests.servers import manage, production_env, wait_until

MIGRATE = (
    "from django.core.management import call_command\n"
    "call_command('migrate', 'django_tasks_database', verbosity=0)\n"
)
ENQUEUE = "from cerego.tests.test_tasks import double\nprint(double.enqueue(21).id)\n"


def enqueue_double(env: dict[str, str], migrate_first: bool = False) -> str:
    """Queue a task from a process of its own, as the web does (one start-up for both)."""
    code = (MIGRATE if migrate_first else "") + ENQUEUE
    return manage(env, "shell", "--no-imports", "-c", code).strip()


def task_status(url: str, task_id: str) -> str | None:
    with psycopg.connect(url, connect_timeout=2) as connection:
        row = connection.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", [task_id]
        ).fetchone()
    return row[0] if row else None


def test_worker_survives_a_database_restart(cluster, tmp_path: Path):
    env = production_env(cluster.url)
    first = enqueue_double(env, migrate_first=True)
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    options = ["--interval", "0.2", "--no-startup-delay", "--no-reload"]
    worker = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(BASE_DIR / "manage.py"), "db_worker", *options],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def has_run(task_id: str) -> bool:
        assert worker.poll() is None, "the worker exited:\n" + log_path.read_text()
        return task_status(cluster.url, task_id) == "SUCCESSFUL"

    try:
        wait_until(lambda: has_run(first), 30, "the first task")

        cluster.stop()
        time.sleep(6)
        cluster.start()

        second = enqueue_double(env)
        wait_until(lambda: has_run(second), 30, "the second task")
        assert "database unavailable, worker retrying" in log_path.read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        log.close()


def test_compose_restarts_web_and_worker_when_they_exit():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())

    assert {compose["services"][name]["restart"] for name in ("web", "worker")} == {
        "unless-stopped"
    }


ROWS = 60_000
BIG_IMPORT = f"""
from django.core.files.uploadedfile import SimpleUploadedFile
from accounts.services import user_create
from decks.services.imports import import_job_create
from decks.services.languages import languages_seed
languages_seed()
owner = user_create(username="ines", email="ines@example.com", password="a-long-passphrase-2026")
rows = "front,back\\n" + "".join(f"palabra {{n}},word {{n}}\\n" for n in range({ROWS}))
upload = SimpleUploadedFile("big.csv", rows.encode())
print(import_job_create(owner=owner, file=upload, language_code="es").pk)
"""


def import_state(url: str, job_id: int) -> tuple[str, int]:
    """The job's status and how many cards exist, read from the database directly."""
    with psycopg.connect(url, connect_timeout=2) as connection:
        (status,) = connection.execute(
            "SELECT status FROM decks_importjob WHERE id = %s", [job_id]
        ).fetchone()
        (cards,) = connection.execute("SELECT count(*) FROM decks_flashcard").fetchone()
    return status, cards


def test_a_worker_killed_mid_import_leaves_nothing_half_imported(cluster, tmp_path: Path):
    env = production_env(cluster.url) | {"MEDIA_ROOT": str(tmp_path / "media")}
    manage(env, "migrate", "--verbosity=0")
    job_id = int(manage(env, "shell", "--no-imports", "-c", BIG_IMPORT).strip())
    options = ["--interval", "0.2", "--no-startup-delay", "--no-reload"]
    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, str(BASE_DIR / "manage.py"), "db_worker", *options],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # Killed without warning once some of the cards are written, as by the OOM killer.
        wait_until(lambda: import_state(cluster.url, job_id)[1] > 0, 60, "cards being written")
    finally:
        worker.kill()
        worker.wait(timeout=10)
    status, cards = import_state(cluster.url, job_id)
    assert status == "running"
    assert 0 < cards < ROWS, "the kill came mid-import"

    swept = manage(env, "import_jobs_fail_stale", "--minutes=0")

    assert "1 stale import job(s) marked as failed" in swept
    assert import_state(cluster.url, job_id) == ("failed", 0)
