from datetime import UTC, datetime, timedelta

import pytest

from decks.models import Flashcard
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, LanguageFactory
from quizzes.services.quiz_types import quiz_types_seed

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning


@pytest.fixture
def quiz_types(db):
    quiz_types_seed()


@pytest.fixture
def spanish(db):
    return LanguageFactory(code="es", name="Spanish")


@pytest.fixture
def deck(learner, spanish, quiz_types):
    """The learner's Spanish catalog of 30 cards (palabra N → word N)."""
    catalog = CatalogFactory(owner=learner, language=spanish, name="Spanish basics")
    for n in range(30):
        CatalogFlashcardFactory(
            catalog=catalog,
            flashcard__front=f"palabra {n}",
            flashcard__back=f"word {n}",
            flashcard__language=spanish,
        )
    # Made long ago, so that offline reviews of the past are of cards that existed.
    Flashcard.objects.filter(memberships__catalog=catalog).update(
        created_at=START - timedelta(days=365)
    )
    return catalog


@pytest.fixture
def card(deck):
    return deck.memberships.order_by("id").first().flashcard
