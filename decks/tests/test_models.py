import pytest
from django.db import IntegrityError, transaction

from decks.models import CatalogFlashcard, normalize_front
from decks.tests.factories import CatalogFlashcardFactory, FlashcardFactory


@pytest.mark.parametrize(
    ("front", "normalized"),
    [
        ("Café", "café"),
        ("  hola   mundo ", "hola mundo"),
        ("ＨＯＬＡ", "hola"),  # full-width letters fold under NFKC
        ("Straße", "strasse"),  # case folding, not just lower-casing
        ("ﬁn", "fin"),  # the ligature decomposes
    ],
)
def test_normalize_front(front, normalized):
    assert normalize_front(front) == normalized


@pytest.mark.django_db
def test_a_word_appears_once_per_catalog_at_the_database_level():
    membership = CatalogFlashcardFactory(flashcard__front="Hola")
    other = FlashcardFactory(front="HOLA ", owner=membership.catalog.owner)

    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogFlashcard.objects.create(
            catalog=membership.catalog, flashcard=other, front_normalized=other.front_normalized
        )
