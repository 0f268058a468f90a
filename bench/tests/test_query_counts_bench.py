"""The queries-per-request table at a tiny size, so the benchmark does not rot."""

import pytest
from django.test import Client

from bench.query_counts import page_counts
from decks.models import Language
from decks.services.languages import languages_seed
from quizzes.services.quiz_types import quiz_types_seed
from quizzes.tests.test_query_counts import collection

pytestmark = pytest.mark.django_db


def test_every_page_and_call_of_the_table_answers(learner, api_client):
    languages_seed()
    quiz_types_seed()
    catalog = collection(learner, Language.objects.get(code="es"), 30)
    client = Client()
    client.force_login(learner)
    api_client.force_authenticate(learner)

    counts = page_counts(client, api_client, catalog, learner)

    assert {"dashboard page", "study step (answer + next question, HTMX)"} <= set(counts)
    assert all(count > 0 for count in counts.values())
