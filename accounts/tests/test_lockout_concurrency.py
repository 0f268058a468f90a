"""Guessing in parallel still locks: 20 real threads, each with its own connection."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from cerego.tests.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "/api/v1/auth/token/"


def obtain(username: str, password: str) -> int:
    body = {"username": username, "password": password}
    return APIClient().post(TOKEN, body, format="json").status_code


def test_twenty_wrong_passwords_at_once_lock_the_account_and_the_right_one_gets_429():
    learner = UserFactory()

    answers = run_at_once([lambda: obtain(learner.username, "guess") for _ in range(20)])

    assert set(answers) <= {401, 429}
    assert answers.count(429) >= 1  # the requests that counted past the limit, at least
    cache.clear()  # so the 429 below is the lockout's, not the throttle's (20/minute)
    response = APIClient().post(
        TOKEN, {"username": learner.username, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert "locked" in response.json()["detail"]
