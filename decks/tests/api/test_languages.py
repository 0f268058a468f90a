import pytest

from decks.services.languages import languages_seed

pytestmark = pytest.mark.django_db


def test_languages_are_listed(learner_api_client, spanish):
    body = learner_api_client.get("/api/v1/languages/").json()

    assert body == [{"code": "es", "name": "Spanish", "native_name": "", "bidi": False}]


def test_every_language_comes_in_one_answer_for_a_picker(
    learner_api_client, django_assert_max_num_queries
):
    seeded = languages_seed()

    with django_assert_max_num_queries(1):
        body = learner_api_client.get("/api/v1/languages/?page=2").json()
    assert seeded > 100
    assert len(body) == seeded
    assert body == sorted(body, key=lambda language: language["name"])


def test_the_schema_shows_the_languages_as_one_unpaginated_list(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    listing = schema["paths"]["/api/v1/languages/"]["get"]

    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert "page" not in {parameter["name"] for parameter in listing.get("parameters", [])}
    assert "unpaginated" in listing["description"]
