"""The statistics benchmark at a tiny size, so it does not rot."""

import pytest

from bench.stats_bench import bench, bench_summary
from decks.services.languages import languages_seed

pytestmark = pytest.mark.django_db


def test_it_times_the_statistics_of_the_learner_it_made():
    languages_seed()

    seconds, queries, groups = bench(40)

    assert seconds > 0
    assert queries > 0
    assert 0 < groups <= 40  # the memory figures come from groups of the 40 cards


def test_it_times_the_summary_of_the_learner_and_of_one_studying_through_a_share():
    languages_seed()
    bench(40)

    own, shared = bench_summary(40)

    assert own > 0
    assert shared > 0
