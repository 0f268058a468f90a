"""The parameter fit benchmark at a tiny size, so it does not rot."""

import pytest

from bench.fit_bench import fit_once, learner_with, retention_seconds

pytestmark = pytest.mark.django_db


def test_it_fits_the_learner_it_stored_from_the_database():
    user = learner_with(600)

    seconds, queries, fit = fit_once(user)

    assert fit.reviews == user.review_logs.count() > 500  # all it stored (up to 600)
    assert 0 < fit.targets < fit.reviews  # a card's first review is no target
    assert fit.kept  # a memory stronger than the defaults: the fit finds it
    assert seconds > 0
    assert queries > 0
    assert retention_seconds(user) > 0
