"""The CSV import benchmark at a tiny size, so it does not rot."""

import pytest

from bench.import_bench import bench, line
from decks.models import ImportJob
from decks.services.languages import languages_seed

pytestmark = pytest.mark.django_db


def test_it_imports_every_row_it_generated_and_prints_the_figures(learner):
    languages_seed()

    figures = bench(learner, 40)

    # Two imports: the one timed, then the one under tracemalloc.
    assert [job.created_count for job in ImportJob.objects.filter(owner=learner)] == [40, 40]
    assert figures["rows"] == 40
    assert figures["queries"] > 0
    assert figures["rows_per_second"] > 0
    assert 0 < figures["peak_mb"] < 100
    assert line(figures).split()[0] == "40"
