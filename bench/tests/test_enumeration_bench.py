"""The enumeration benchmark at a tiny size, through the test client, so it does not rot."""

import pytest

from accounts.tests.factories import UserFactory
from bench.enumeration_bench import measure, pairs, report

pytestmark = pytest.mark.django_db


def test_the_benchmark_times_both_sides_of_every_endpoint(client):
    user = UserFactory()

    medians = measure(pairs(client, user.email, user.username), requests=2)

    assert set(medians) == {"password reset", "waitlist join", "token, wrong password"}
    assert all(known > 0 and unknown > 0 for known, unknown in medians.values())
    assert "| waitlist join |" in report(medians)
