import pytest
from django.core.management import call_command

from accounts.models import User
from decks.models import Catalog, CatalogShare, Flashcard
from decks.selectors import catalogs_in_library
from decks.services.languages import languages_seed

pytestmark = pytest.mark.django_db


def test_load_demo_data_makes_catalogs_in_three_languages_with_shares_once(settings):
    settings.DEBUG = True
    languages_seed()

    call_command("load_demo_data", stdout=None)
    counts = (Catalog.objects.count(), Flashcard.objects.count(), CatalogShare.objects.count())
    call_command("load_demo_data", stdout=None)

    assert (Catalog.objects.count(), Flashcard.objects.count(), CatalogShare.objects.count()) == (
        counts
    )
    assert Catalog.objects.values("language").distinct().count() >= 3
    assert set(Catalog.objects.values_list("visibility", flat=True)) == {
        "public",
        "private",
        "unlisted",
    }
    assert counts[2] >= 2
    alice = User.objects.get(username="alice")
    assert catalogs_in_library(alice).count() == 3
