import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from decks.models import Language
from quizzes.models import QuizType
from waitlist.models import WaitlistEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_variables(settings):
    settings.ADMIN_USERNAME = "root"
    settings.ADMIN_EMAIL = "root@example.com"
    settings.ADMIN_PASSWORD = "a-long-admin-pass-phrase"
    return settings


def test_init_db_seeds_languages_quiz_types_and_the_admin(admin_variables):
    call_command("init_db", verbosity=0)

    assert Language.objects.get(code="es").name == "Spanish"
    assert Language.objects.get(code="ar").bidi is True
    assert set(QuizType.objects.values_list("code", flat=True)) == {
        "flip",
        "multiple_choice",
        "true_false",
        "reverse_choice",
        "typed",
        "reverse_typed",
    }
    assert QuizType.objects.get(code="typed").difficulty == 3
    admin = User.objects.get(username="root")
    assert admin.is_admin
    assert admin.is_superuser
    assert admin.check_password("a-long-admin-pass-phrase")


def test_init_db_is_idempotent(admin_variables):
    call_command("init_db", verbosity=0)
    counts = (Language.objects.count(), QuizType.objects.count(), User.objects.count())

    call_command("init_db", verbosity=0)

    assert (Language.objects.count(), QuizType.objects.count(), User.objects.count()) == counts


def test_init_db_updates_the_admin_password_on_a_later_run(admin_variables):
    call_command("init_db", verbosity=0)
    admin_variables.ADMIN_PASSWORD = "another-long-admin-pass-phrase"

    call_command("init_db", verbosity=0)

    assert User.objects.get(username="root").check_password("another-long-admin-pass-phrase")


def test_init_db_refuses_incomplete_admin_variables(admin_variables):
    admin_variables.ADMIN_PASSWORD = ""

    with pytest.raises(CommandError, match="must be set together"):
        call_command("init_db", verbosity=0)
    assert not User.objects.exists()


def test_init_db_refuses_a_weak_admin_password(admin_variables):
    admin_variables.ADMIN_PASSWORD = "12345678"

    with pytest.raises(CommandError, match="entirely numeric"):
        call_command("init_db", verbosity=0)
    assert not User.objects.filter(username="root").exists()


def test_init_db_without_admin_variables_seeds_and_skips_the_admin(settings):
    settings.ADMIN_USERNAME = settings.ADMIN_EMAIL = settings.ADMIN_PASSWORD = ""

    call_command("init_db", verbosity=0)

    assert QuizType.objects.count() == 6
    assert not User.objects.exists()


def test_load_demo_data_is_refused_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo_data")


def test_load_demo_data_creates_learners_once(settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=None)
    call_command("load_demo_data", stdout=None)

    assert User.objects.filter(is_admin=False).count() == 3
    assert WaitlistEntry.objects.filter(status="pending").count() == 2


def test_load_demo_data_gives_the_demo_learners_a_study_history(settings):
    from quizzes.models import CardProgress, ReviewLog
    from quizzes.selectors.progress import progress_summary

    settings.DEBUG = True
    call_command("load_demo_data", stdout=None)
    reviews = ReviewLog.objects.count()
    call_command("load_demo_data", stdout=None)

    assert reviews > 50
    assert ReviewLog.objects.count() == reviews, "loading again adds nothing"
    alice = User.objects.get(username="alice")
    assert CardProgress.objects.filter(user=alice).exists()
    summary = progress_summary(alice, now=timezone.now())
    assert summary["due_now"] >= 1, "the demo starts with cards to study"
    assert sum(summary["memory_strength_histogram"]) > 0


def test_collectstatic_builds_the_production_manifest(tmp_path, settings):
    """The Docker image and every deployment run this: a vendored file that names a
    missing one (a source map, say) stops the build."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for vendored in ("vendor/chartjs/chart.umd.min.js", "vendor/htmx/htmx.min.js", "js/study.js"):
        assert (tmp_path / paths[vendored]).is_file()
