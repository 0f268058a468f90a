"""The import and export comparison with Anki's library at a tiny size, so it does not rot.

Anki's library (`anki`, the `bench` dependency group) is installed by scripts/setup.sh, so
both sides run in every test run.
"""

import pytest

from accounts.tests.factories import UserFactory
from bench.anki_compare import measure, report
from decks.tests.factories import LanguageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    LanguageFactory(code="es")
    return UserFactory()


def test_our_side_imports_exports_and_measures_memory(learner):
    figures = measure(
        learner, notes=[20], repeats=2, export_notes=20, memory_rows=[20, 40], with_anki=False
    )

    assert len(figures.imports["ours", 20]) == 2
    assert all(seconds > 0 for seconds in figures.imports["ours", 20])
    assert figures.export_bytes["ours"] > 0
    assert set(figures.memory) == {("csv", 20), ("csv", 40), ("apkg", 20), ("apkg", 40)}
    table = report(figures, vendor="test")
    assert "| 20 | — |" in table
    assert "| csv | 40 |" in table


def test_anki_and_ours_import_the_same_package(learner):
    figures = measure(
        learner, notes=[20], repeats=1, export_notes=20, memory_rows=[], with_anki=True
    )

    assert figures.imports["anki", 20]
    assert figures.imports["ours", 20]
    assert figures.export_bytes["anki"] > 0
    assert figures.export_bytes["ours"] > 0
    assert "ours ÷ Anki" in report(figures, vendor="test")
