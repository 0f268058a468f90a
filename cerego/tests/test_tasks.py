"""Background work goes through Django's Tasks framework; the database backend is real."""

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus, task, task_backends


@task
def double(number: int) -> int:
    return number * 2


def test_immediate_backend_runs_a_task_at_once():
    result = double.enqueue(21)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42


@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_until_a_worker_runs_it(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    result = double.enqueue(21)
    assert result.status == TaskResultStatus.READY

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    result = task_backends["default"].get_result(result.id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42
