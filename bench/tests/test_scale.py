"""The scale benchmark at a tiny size, on whichever database the suite runs, so it does not
rot: the generator (COPY on PostgreSQL, executemany on SQLite), every measure, the report."""

from datetime import timedelta

import pytest

from bench.scale import MEASURES, NOW, TINY, measure, queries, report, scale_data
from quizzes.models import CardProgress, ReviewLog

pytestmark = pytest.mark.django_db


def test_the_benchmark_fills_its_data_once_and_measures_every_query():
    learners = scale_data(TINY)
    assert scale_data(TINY).keys() == learners.keys()  # the marker: reused, not made again
    crowd = TINY.learners * TINY.cards
    assert CardProgress.objects.count() == crowd + sum(TINY.big)
    assert ReviewLog.objects.count() == (crowd + sum(TINY.big)) * TINY.reviews
    recent = ReviewLog.objects.filter(reviewed_at__gte=NOW - timedelta(days=30))
    assert recent.count() < ReviewLog.objects.count() / 2  # not crowded into the last month

    times = measure(learners, repeats=2)
    counts = queries(learners)

    assert set(times) == set(MEASURES)
    assert all(len(runs) == 2 for by_size in times.values() for runs in by_size.values())
    table = report(times, counts)
    assert "| progress summary |" in table
    assert "ratio" in table
