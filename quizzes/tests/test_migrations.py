import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_audit_events_and_time_zone_check"), ("quizzes", "0001_initial")]
AFTER = [("accounts", "0003_learning_settings_move_to_quizzes"), ("quizzes", "0002_study_settings")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    """Leave the database migrated all the way: later transactional tests share it."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_study_settings_move_to_quizzes_with_every_learners_values():
    old = migrate(BEFORE)
    quiz_type = old.get_model("quizzes", "QuizType").objects.create(
        code="typed", name="Typed", difficulty=3
    )
    user = old.get_model("accounts", "User").objects.create(username="ada", email="a@example.com")
    settings = old.get_model("accounts", "UserSettings").objects.create(
        user=user,
        desired_retention=0.8,
        daily_new_limit=7,
        day_rollover_hour=2,
        time_zone="Asia/Tokyo",
        fsrs_parameters=[0.4, 1.2],
    )
    settings.preferred_quiz_types.set([quiz_type])

    new = migrate(AFTER)

    study = new.get_model("quizzes", "StudySettings").objects.get(user_id=user.pk)
    assert (study.desired_retention, study.daily_new_limit, study.day_rollover_hour) == (0.8, 7, 2)
    assert study.fsrs_parameters == [0.4, 1.2]
    assert [t.code for t in study.preferred_quiz_types.all()] == ["typed"]
    site = new.get_model("accounts", "UserSettings").objects.get(user_id=user.pk)
    assert site.time_zone == "Asia/Tokyo"
