"""Backups round-trip the whole database: what `restore_db` brings back is exactly what
`backup_db` saw, review history included, on SQLite and on PostgreSQL alike."""

import io

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.tests.factories import UserFactory
from quizzes.models import CardProgress, ReviewLog

# Committed data: pg_dump reads the database through a connection of its own.
pytestmark = pytest.mark.django_db(transaction=True)


def everything() -> dict[str, str]:
    """Every row of every table, serialised in primary-key order."""
    return {
        model._meta.label: serializers.serialize("json", model._default_manager.order_by("pk"))
        for model in apps.get_models()
    }


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())
    assert ReviewLog.objects.count() > 50


def test_a_restore_brings_back_exactly_what_was_backed_up(demo, tmp_path):
    backup = tmp_path / "cerego.backup"
    before = everything()
    out = io.StringIO()

    call_command("backup_db", backup, stdout=out)

    assert f"Backed up to {backup}" in out.getvalue()
    # What a bad day does: history lost, a learner gone, a stranger added.
    ReviewLog.objects.all().delete()
    User.objects.filter(username="alice").delete()
    UserFactory(username="stranger")

    call_command("restore_db", backup, "--no-input", stdout=io.StringIO())

    assert everything() == before
    assert CardProgress.objects.filter(user__username="alice").exists()
    # Ids go on where they stopped: a new row does not collide with a restored one.
    newcomer = UserFactory(username="newcomer")
    assert newcomer.pk > max(User.objects.exclude(pk=newcomer.pk).values_list("pk", flat=True))


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(demo, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("these are not the rows you are looking for\n" * 100)
    before = everything()

    with pytest.raises(CommandError):
        call_command("restore_db", not_a_backup, "--no-input")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore_db", tmp_path / "missing.backup", "--no-input")

    assert everything() == before


def test_a_restore_asks_first_and_a_no_keeps_everything(demo, tmp_path, monkeypatch):
    backup = tmp_path / "cerego.backup"
    call_command("backup_db", backup, stdout=io.StringIO())
    UserFactory(username="kept")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore_db", backup)

    assert User.objects.filter(username="kept").exists()
