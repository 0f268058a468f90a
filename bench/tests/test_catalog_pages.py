"""The catalog pages benchmark at a tiny size, through the test client, so it does not rot."""

import pytest

from bench.catalog_pages import (
    client_fetch,
    credentials,
    endpoints,
    learner_with_catalog,
    measure,
    queries_per_request,
    report,
)

pytestmark = pytest.mark.django_db


def test_the_benchmark_measures_every_endpoint_at_a_tiny_size():
    user, catalog = learner_with_catalog(50, library=2)
    assert learner_with_catalog(50, library=2) == (user, catalog)  # reused, not made again
    points, auth, fetch = endpoints(catalog), credentials(user), client_fetch()

    medians = measure(fetch, points, auth, requests=3)
    queries = queries_per_request(fetch, points, auth)

    assert set(medians) == set(queries) == {point.name for point in points}
    assert all(count > 0 for count in queries.values())
    table = report({50: {"medians": medians, "queries": queries}}, points)
    assert "| cards page |" in table
