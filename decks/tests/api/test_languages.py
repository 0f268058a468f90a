import pytest

pytestmark = pytest.mark.django_db


def test_languages_are_listed(learner_api_client, spanish):
    body = learner_api_client.get("/api/v1/languages/").json()

    assert body["results"] == [{"code": "es", "name": "Spanish", "native_name": "", "bidi": False}]
