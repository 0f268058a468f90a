import pytest
from django.urls import reverse

from quizzes import fitting
from quizzes.models import ParameterFit, QuizType, ReviewLog
from quizzes.selectors.optimizer import outcome_of
from quizzes.selectors.settings import study_settings_of
from quizzes.tests.synthetic import STRONG_MEMORY, store_history, synthetic_reviews
from quizzes.tests.test_query_counts import collection

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
        "reminder_hour": "8",
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
        "reminder_hour": "8",
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
        "reminder_hour": "8",
        "theme": "system",
    }

    html = client.post(reverse("settings"), data).content.decode()

    assert "less than or equal to 0.97" in html
    assert "not a known time zone" in html


def test_settings_page_needs_a_login(client):
    response = client.get(reverse("settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- The whole page: retention helper, fit panel, "Optimise now" ---------------------------


def form_data(**changes):
    """What the page posts with its defaults, and `changes`."""
    return {
        "desired_retention": "0.9",
        "daily_new_limit": "20",
        "daily_review_limit": "200",
        "time_zone": "UTC",
        "day_rollover_hour": "4",
        "reminder_hour": "8",
        "theme": "system",
    } | changes


def test_settings_page_shows_every_section(client, learner, deck):
    client.force_login(learner)

    html = client.get(reverse("settings")).content.decode()

    for heading in (
        "How much to remember",
        "Daily limits",
        "Quiz types",
        "Your day",
        "Reminders",
        "Appearance",
        "Personal parameters",
    ):
        assert heading in html
    assert 'name="reminders_enabled"' in html
    assert 'name="reminder_hour" value="8"' in html
    assert "Optimise now" in html
    assert "0 of the 400 a fit needs" in html


def test_the_retention_helper_is_a_chart_and_a_table_with_the_choice_marked(client, learner, deck):
    study_settings = study_settings_of(learner)
    study_settings.desired_retention = 0.85
    study_settings.save()
    client.force_login(learner)

    response = client.get(reverse("settings"))

    html = response.content.decode()
    assert 'data-chart="retention-reviews"' in html
    assert 'id="retention-reviews" type="application/json"' in html
    reviews = response.context["reviews_chart"]
    memorised = response.context["memorised_chart"]
    assert reviews["labels"][:4] == ["70%", "75%", "80%", "85% (yours)"]
    # More retention costs more reviews: the helper's whole point, in the chart and the table.
    assert reviews["datasets"][0]["data"][-1] > reviews["datasets"][0]["data"][0]
    assert max(memorised["datasets"][0]["data"]) > 0
    assert "30 cards" in html
    assert '<tr class="chosen" aria-current="true">' in html
    assert "85% <strong>(yours)</strong>" in html
    assert "Cards memorised after a year" in html


def test_a_new_learner_without_cards_is_told_to_add_some(client, learner):
    client.force_login(learner)

    html = client.get(reverse("settings")).content.decode()

    assert "Add cards to your collection" in html
    assert "retention-reviews" not in html


def test_the_theme_is_saved_and_applied_to_every_page(client, learner):
    client.force_login(learner)
    data = form_data(theme="light")

    client.post(reverse("settings"), data)

    learner.settings.refresh_from_db()
    assert learner.settings.theme == "light"
    assert '<html lang="en" data-theme="light">' in client.get(reverse("profile")).content.decode()
    assert '<option value="light" selected>' in client.get(reverse("settings")).content.decode()


def test_reminders_are_turned_on_from_the_page(client, learner):
    client.force_login(learner)
    data = form_data(time_zone="Europe/Paris", reminders_enabled="on", reminder_hour="19")

    client.post(reverse("settings"), data)

    study_settings = study_settings_of(learner)
    assert study_settings.reminders_enabled is True
    assert study_settings.reminder_hour == 19
    html = client.get(reverse("settings")).content.decode()
    assert 'name="reminders_enabled" aria-describedby="id_reminders_enabled_helptext"' in html
    assert "checked" in html


def test_a_reminder_hour_out_of_range_is_refused(client, learner):
    client.force_login(learner)
    data = form_data(reminder_hour="24")

    response = client.post(reverse("settings"), data)

    assert "less than or equal to 23" in response.content.decode()
    assert study_settings_of(learner).reminder_hour == 8


def test_optimise_now_with_too_few_reviews_says_how_many_are_needed(client, learner):
    store_history(learner, synthetic_reviews(cards=10))
    client.force_login(learner)

    response = client.post(reverse("settings-optimize"), follow=True)

    html = response.content.decode()
    reviews = ReviewLog.objects.filter(user=learner).count()
    assert f"need at least 400 reviews; you have {reviews}" in html
    assert '<li class="error">' in html
    assert not ParameterFit.objects.filter(user=learner).exists()


def test_optimise_now_fits_and_the_panel_shows_the_figures(
    client, learner, django_capture_on_commit_callbacks
):
    store_history(learner, synthetic_reviews(parameters=STRONG_MEMORY))
    client.force_login(learner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("settings-optimize"))
    response = client.get(response["Location"])

    html = response.content.decode()
    fit = ParameterFit.objects.get(user=learner)
    assert fit.status == ParameterFit.Status.DONE
    assert "Log loss" in html
    assert (
        f"default parameters {fit.log_loss_default:.4f}, fitted {fit.log_loss_fitted:.4f}" in html
    )
    assert ("your personal parameters" if fit.kept else "the defaults") in html
    assert fitting.health_of(outcome_of(fit)).message in html


def test_optimise_now_needs_a_post(client, learner):
    client.force_login(learner)

    assert client.get(reverse("settings-optimize")).status_code == 405


@pytest.mark.parametrize("size", [100, 2_000])
def test_the_settings_page_takes_a_handful_of_queries(
    client, learner, spanish, size, django_assert_max_num_queries
):
    collection(learner, spanish, size)
    client.force_login(learner)
    client.get(reverse("settings"))  # the retention simulation is cached from here on

    with django_assert_max_num_queries(9):
        response = client.get(reverse("settings"))

    assert response.status_code == 200
