import pytest

from decks.models import Catalog
from decks.tests.clients import HTMX, page_client
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory

pytestmark = pytest.mark.django_db


def test_library_lists_searches_and_copies(matrix, french):
    stranger = matrix["users"]["stranger"]
    public = CatalogFactory(visibility="public", language=french, name="Le vocabulaire")
    CatalogFlashcardFactory.create_batch(2, catalog=public)
    client = page_client(stranger)

    page = client.get("/library/").content.decode()
    found = client.get("/library/?search=vocab&language=fr", **HTMX).content.decode()
    nothing = client.get("/library/?language=es").content.decode()
    copied = client.post(f"/catalogs/{public.pk}/copy/")

    assert "Le vocabulaire" in page
    assert matrix["catalog"].name not in page
    assert "Le vocabulaire" in found
    assert "2 cards" in found
    assert "Le vocabulaire" not in nothing
    copy = Catalog.objects.get(owner=stranger)
    assert copied["Location"] == f"/catalogs/{copy.pk}/"
    assert copy.flashcards.count() == 2
