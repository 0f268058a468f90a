"""The review-history import benchmark on a tiny synthetic history, so it does not rot
(the benchmark itself reads a real one from ../shared/data, which tests must not)."""

import pytest

from accounts.tests.factories import UserFactory
from bench.history_bench import package_of, run
from bench.tests.revlogs import write_revlog
from decks.services.languages import languages_seed
from quizzes.models import CardProgress, ReviewLog

pytestmark = pytest.mark.django_db


def test_it_imports_the_history_it_was_given_and_nothing_twice(tmp_path):
    languages_seed()
    reviews = write_revlog(tmp_path / "learner", cards=30)
    package, cards, counted = package_of(tmp_path / "learner" / "reviews.csv")
    user = UserFactory()

    first = run(user, package, "learner")
    again = run(user, package, "learner")

    assert (cards, counted) == (30, reviews)
    assert (first.created_count, first.reviews_imported, first.reviews_skipped) == (30, reviews, 0)
    assert ReviewLog.objects.filter(user=user).count() == reviews
    assert CardProgress.objects.filter(user=user).count() == 30
    assert again.reviews_imported == 0
    assert ReviewLog.objects.filter(user=user).count() == reviews
