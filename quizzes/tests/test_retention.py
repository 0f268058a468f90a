import pytest

from decks.models import Flashcard
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory
from quizzes.selectors.retention import RETENTIONS, collection_size, retention_tradeoff
from quizzes.selectors.settings import study_settings_of
from quizzes.tests.synthetic import STRONG_MEMORY

pytestmark = pytest.mark.django_db

RETENTION = "/api/v1/auth/settings/retention/"


@pytest.fixture
def collection(learner):
    catalog = CatalogFactory(owner=learner)
    CatalogFlashcardFactory.create_batch(300, catalog=catalog)
    return catalog


def test_more_retention_costs_more_reviews_and_keeps_more_cards(learner_api_client, collection):
    response = learner_api_client.get(RETENTION)

    assert response.status_code == 200
    body = response.json()
    assert body["cards"] == 300
    points = body["points"]
    assert [point["desired_retention"] for point in points] == list(RETENTIONS)
    assert RETENTIONS[0] == 0.70
    assert RETENTIONS[-1] == 0.97
    reviews = [point["reviews_per_day"] for point in points]
    memorised = [point["memorised"] for point in points]
    assert reviews == sorted(reviews)
    assert reviews[0] < reviews[-1]
    assert memorised == sorted(memorised)
    assert memorised[0] < memorised[-1]
    assert all(point["memorised"] <= 300 for point in points)


def test_the_trade_off_follows_the_learners_parameters(learner, collection):
    with_defaults = retention_tradeoff(learner)["points"]
    study_settings = study_settings_of(learner)
    study_settings.fsrs_parameters = list(STRONG_MEMORY)
    study_settings.save()

    personalised = retention_tradeoff(learner)

    assert personalised["personalised"] is True
    # A memory that lasts longer needs fewer reviews for the same retention.
    assert personalised["points"][4]["reviews_per_day"] < with_defaults[4]["reviews_per_day"]


def test_the_daily_new_card_limit_bounds_the_new_cards(learner, collection):
    study_settings = study_settings_of(learner)
    study_settings.daily_new_limit = 2
    study_settings.save()

    points = retention_tradeoff(learner)["points"]

    assert all(point["new_cards_per_day"] <= 2 for point in points)


def test_an_empty_collection_predicts_nothing(learner_api_client):
    points = learner_api_client.get(RETENTION).json()["points"]

    assert {point["reviews_per_day"] for point in points} == {0}


def test_the_collection_counts_own_cards_and_studied_ones_once(learner, collection):
    from quizzes.models import CardProgress

    elsewhere = CatalogFlashcardFactory().flashcard
    CardProgress.objects.create(user=learner, flashcard=elsewhere)
    CardProgress.objects.create(user=learner, flashcard=Flashcard.objects.first())

    assert collection_size(learner) == 301


def test_the_simulation_is_cached_per_learner_and_inputs(
    learner, collection, django_assert_max_num_queries
):
    retention_tradeoff(learner)

    with django_assert_max_num_queries(3):
        retention_tradeoff(learner)
