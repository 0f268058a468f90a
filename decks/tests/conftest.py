import pytest

from accounts.tests.factories import UserFactory
from decks.models import Catalog, CatalogShare, Role
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, LanguageFactory


@pytest.fixture
def spanish(db):
    return LanguageFactory(code="es", name="Spanish")


@pytest.fixture
def french(db):
    return LanguageFactory(code="fr", name="French")


@pytest.fixture
def matrix(spanish):
    """A private Spanish catalog with one card, its owner, an editor, a viewer, a stranger
    and an outsider the owner can share with."""
    owner, editor, viewer, stranger, outsider = (
        UserFactory(username=name) for name in ("owner", "editor", "viewer", "stranger", "outsider")
    )
    catalog = CatalogFactory(owner=owner, language=spanish, visibility=Catalog.Visibility.PRIVATE)
    CatalogShare.objects.create(catalog=catalog, user=editor, role=Role.EDITOR)
    CatalogShare.objects.create(catalog=catalog, user=viewer, role=Role.VIEWER)
    card = CatalogFlashcardFactory(
        catalog=catalog, flashcard__front="hola", flashcard__language=spanish
    ).flashcard
    users = {
        "owner": owner,
        "editor": editor,
        "viewer": viewer,
        "stranger": stranger,
        "anonymous": None,
    }
    return {"users": users, "catalog": catalog, "card": card, "outsider": outsider}
