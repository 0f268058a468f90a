"""The queries-per-request table at a tiny size, so the benchmark does not rot."""

import pytest
from django.test import Client

from bench.query_counts import page_counts
from quizzes.tests.test_query_counts import collection

pytestmark = pytest.mark.django_db


def test_every_page_and_call_of_the_table_answers(learner, spanish, quiz_types, api_client):
    catalog = collection(learner, spanish, 30)
    client = Client()
    client.force_login(learner)
    api_client.force_authenticate(learner)

    counts = page_counts(client, api_client, catalog, learner)

    assert {"dashboard page", "study step (answer + next question, HTMX)"} <= set(counts)
    assert all(count > 0 for count in counts.values())
