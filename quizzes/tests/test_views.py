import pytest
from django.urls import reverse

from quizzes.models import QuizType
from quizzes.selectors.settings import study_settings_of

pytestmark = pytest.mark.django_db


def test_settings_page_saves_the_site_and_the_study_settings(client, learner):
    typed = QuizType.objects.create(code="typed", name="Typed", difficulty=3)
    client.force_login(learner)
    data = {
        "desired_retention": "0.85",
        "daily_new_limit": "10",
        "daily_review_limit": "100",
        "preferred_quiz_types": [typed.pk],
        "time_zone": "Asia/Tokyo",
        "day_rollover_hour": "3",
        "theme": "dark",
    }

    response = client.post(reverse("settings"), data, follow=True)

    assert "Your learning settings are saved" in response.content.decode()
    learner.settings.refresh_from_db()
    assert learner.settings.time_zone == "Asia/Tokyo"
    study_settings = study_settings_of(learner)
    assert study_settings.desired_retention == 0.85
    assert study_settings.day_rollover_hour == 3
    assert list(study_settings.preferred_quiz_types.all()) == [typed]
    assert 'data-theme="dark"' in response.content.decode()


def test_settings_page_shows_the_saved_values(client, learner):
    learner.settings.time_zone = "Europe/Paris"
    learner.settings.save()
    study_settings = study_settings_of(learner)
    study_settings.daily_new_limit = 7
    study_settings.save()
    client.force_login(learner)

    html = client.get(reverse("settings")).content.decode()

    assert 'value="Europe/Paris"' in html
    assert 'name="daily_new_limit" value="7"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_retention", "0.99", "less than or equal to 0.97"),
        ("daily_new_limit", "-1", "greater than or equal to 0"),
        ("time_zone", "Mars/Olympus_Mons", "not a known time zone"),
        ("time_zone", "x" * 10_000, "at most 64 characters"),
    ],
)
def test_settings_page_shows_range_errors_and_saves_nothing(client, learner, field, value, message):
    client.force_login(learner)
    data = {
        "desired_retention": "0.8",
        "daily_new_limit": "20",
        "daily_review_limit": "200",
        "time_zone": "UTC",
        "day_rollover_hour": "4",
        "theme": "system",
    } | {field: value}

    response = client.post(reverse("settings"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    learner.settings.refresh_from_db()
    assert learner.settings.time_zone == "UTC"
    assert study_settings_of(learner).desired_retention == 0.90


def test_a_time_zone_error_and_a_retention_error_are_shown_together(client, learner):
    client.force_login(learner)
    data = {
        "desired_retention": "0.99",
        "daily_new_limit": "20",
        "daily_review_limit": "200",
        "time_zone": "Mars/Olympus_Mons",
        "day_rollover_hour": "4",
        "theme": "system",
    }

    html = client.post(reverse("settings"), data).content.decode()

    assert "less than or equal to 0.97" in html
    assert "not a known time zone" in html


def test_settings_page_needs_a_login(client):
    response = client.get(reverse("settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
