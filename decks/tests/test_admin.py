import pytest

from accounts.tests.factories import UserFactory
from decks.tests.factories import CatalogFlashcardFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["catalog", "flashcard", "language"])
def test_staff_browse_decks_in_admin(client, path):
    membership = CatalogFlashcardFactory()
    client.force_login(UserFactory(is_admin=True, is_superuser=True))

    assert client.get(f"/admin/decks/{path}/").status_code == 200
    assert client.get(f"/admin/decks/catalog/{membership.catalog.pk}/change/").status_code == 200
    assert (
        client.get(f"/admin/decks/flashcard/{membership.flashcard.pk}/change/").status_code == 200
    )
