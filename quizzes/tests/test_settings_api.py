import pytest

from quizzes.models import QuizType
from quizzes.selectors.settings import study_settings_of

pytestmark = pytest.mark.django_db

SETTINGS = "/api/v1/auth/settings/"


def test_settings_read_and_write(learner_api_client, learner):
    QuizType.objects.create(code="typed", name="Typed", difficulty=3)
    QuizType.objects.create(code="flip", name="Flip", difficulty=1)

    response = learner_api_client.patch(
        SETTINGS,
        {
            "desired_retention": 0.85,
            "daily_new_limit": 5,
            "preferred_quiz_types": ["typed", "flip"],
            "time_zone": "Europe/Paris",
            "theme": "dark",
            "fsrs_parameters": [1, 2, 3],
        },
    )

    assert response.status_code == 200
    body = learner_api_client.get(SETTINGS).json()
    assert body["desired_retention"] == 0.85
    assert body["daily_new_limit"] == 5
    assert sorted(body["preferred_quiz_types"]) == ["flip", "typed"]
    assert body["time_zone"] == "Europe/Paris"
    assert body["theme"] == "dark"
    assert body["fsrs_parameters"] is None, "personalised parameters are read-only"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"desired_retention": 0.69}, "desired_retention"),
        ({"desired_retention": 0.98}, "desired_retention"),
        ({"desired_retention": "high"}, "desired_retention"),
        ({"daily_new_limit": -1}, "daily_new_limit"),
        ({"daily_review_limit": 10_000_000}, "daily_review_limit"),
        ({"day_rollover_hour": 24}, "day_rollover_hour"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": "x" * 10_000}, "time_zone"),
        ({"theme": "neon"}, "theme"),
        ({"preferred_quiz_types": ["no-such-type"]}, "preferred_quiz_types"),
        ({"preferred_quiz_types": "flip"}, "preferred_quiz_types"),
    ],
)
def test_bad_settings_are_refused(learner_api_client, learner, body, field):
    response = learner_api_client.patch(SETTINGS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    learner.settings.refresh_from_db()
    assert study_settings_of(learner).desired_retention == 0.90
    assert learner.settings.time_zone == "UTC"


# --- Passwords ----------------------------------------------------------------------
