import pytest

from accounts.tests.factories import UserFactory
from quizzes.memory import DEFAULT_PARAMETERS
from quizzes.models import ParameterFit
from quizzes.tests.synthetic import STRONG_MEMORY, store_history, synthetic_reviews

pytestmark = pytest.mark.django_db

OPTIMIZE = "/api/v1/auth/settings/optimize/"
RETENTION = "/api/v1/auth/settings/retention/"
SHAPE = {
    "status",
    "reviews",
    "log_loss_default",
    "log_loss_fitted",
    "rmse_default",
    "rmse_fitted",
    "kept",
    "fitted_at",
}


@pytest.mark.django_db(transaction=True)
def test_optimize_fits_and_reports_default_and_fitted_figures(learner_api_client, learner):
    store_history(learner, synthetic_reviews(parameters=STRONG_MEMORY))

    response = learner_api_client.post(OPTIMIZE)  # the immediate backend runs it at commit

    assert response.status_code == 200
    body = learner_api_client.get(OPTIMIZE).json()
    assert set(body) >= SHAPE
    assert body["status"] == "done"
    assert body["reviews"] == 1977
    assert body["kept"] is True
    assert body["log_loss_fitted"] < body["log_loss_default"]
    assert body["rmse_fitted"] < body["rmse_default"]
    assert body["fitted_at"] is not None
    assert body["health"]["verdict"] in {"healthy", "few_reviews"}
    assert response.json() == body


def test_a_learner_who_never_optimised_sees_how_far_they_are(learner_api_client, learner):
    store_history(learner, synthetic_reviews(cards=10))

    body = learner_api_client.get(OPTIMIZE).json()

    assert set(body) >= SHAPE
    assert body["status"] == "none"
    assert body["reviews_needed"] == 400
    assert 0 < body["reviews"] < 400
    assert body["health"] is None


def test_optimize_with_too_few_reviews_is_a_400_saying_how_many_are_needed(
    learner_api_client, learner
):
    store_history(learner, synthetic_reviews(cards=10))

    response = learner_api_client.post(OPTIMIZE)

    assert response.status_code == 400
    body = response.json()
    assert body["reviews_needed"] == 400
    assert f"you have {body['reviews']}" in body["detail"]
    assert not ParameterFit.objects.exists()


def test_the_minimum_is_a_setting(learner_api_client, learner, settings):
    settings.FSRS_OPTIMIZE_MIN_REVIEWS = 5000
    store_history(learner, synthetic_reviews(parameters=DEFAULT_PARAMETERS))

    response = learner_api_client.post(OPTIMIZE)

    assert response.status_code == 400
    assert response.json()["reviews_needed"] == 5000


def test_optimize_while_a_fit_runs_reports_the_running_one(learner_api_client, learner):
    store_history(learner, synthetic_reviews(parameters=DEFAULT_PARAMETERS))
    ParameterFit.objects.create(user=learner, status=ParameterFit.Status.RUNNING, reviews=3233)

    response = learner_api_client.post(OPTIMIZE)

    assert response.status_code == 409
    assert response.json()["fit"]["status"] == "running"
    assert response.json()["fit"]["reviews"] == 3233
    assert ParameterFit.objects.count() == 1


def test_a_queued_fit_is_answered_202_and_read_back_once_done(
    learner_api_client, learner, django_capture_on_commit_callbacks
):
    store_history(learner, synthetic_reviews(parameters=DEFAULT_PARAMETERS))

    with django_capture_on_commit_callbacks(execute=True):
        response = learner_api_client.post(OPTIMIZE)  # the task runs after the answer

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    body = learner_api_client.get(OPTIMIZE).json()
    assert (body["status"], body["kept"]) == ("done", False)
    assert body["health"]["verdict"] == "defaults_better"


def test_a_fit_is_the_learners_own(api_client, learner):
    store_history(learner, synthetic_reviews(parameters=DEFAULT_PARAMETERS))
    ParameterFit.objects.create(user=learner, status=ParameterFit.Status.RUNNING)
    other = UserFactory()
    api_client.force_authenticate(other)

    assert api_client.get(OPTIMIZE).json()["status"] == "none"
    assert api_client.post(OPTIMIZE).status_code == 400


def test_optimize_needs_a_signed_in_learner(api_client):
    assert api_client.get(OPTIMIZE).status_code == 401
    assert api_client.post(OPTIMIZE).status_code == 401
    assert api_client.get(RETENTION).status_code == 401


def test_reading_the_last_fit_takes_a_few_queries(
    learner_api_client, learner, django_assert_max_num_queries
):
    ParameterFit.objects.create(user=learner, status=ParameterFit.Status.DONE)

    with django_assert_max_num_queries(2):
        learner_api_client.get(OPTIMIZE)


def test_the_schema_documents_every_answer(learner_api_client):
    paths = learner_api_client.get("/api/schema/?format=json").json()["paths"]

    assert {"200", "202", "400", "401", "409"} <= set(paths[OPTIMIZE]["post"]["responses"])
    assert {"200", "401"} <= set(paths[OPTIMIZE]["get"]["responses"])
    assert {"200", "401"} <= set(paths[RETENTION]["get"]["responses"])
