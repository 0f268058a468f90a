"""The decks pages on a phone (375×740): no sideways page scrolling, still usable."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import UserFactory
from decks.models import Catalog, Language
from decks.services.catalogs import catalog_create
from decks.services.flashcards import flashcard_create
from decks.services.languages import languages_seed
from e2e.decks_support import PHONE, Visitors, scrolls_sideways, shoot

pytestmark = pytest.mark.django_db(transaction=True)

# Long words without spaces are what breaks a narrow layout.
LONG = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"


@pytest.fixture
def visitors(new_context, live_server) -> Visitors:
    languages_seed()
    return Visitors(new_context, live_server.url)


def catalog_with_long_cards(owner: User) -> Catalog:
    catalog = catalog_create(
        owner=owner,
        name="German compounds for the very patient learner",
        description=f"Words like {LONG} and worse.",
        language=Language.objects.get(code="de"),
        visibility=Catalog.Visibility.PUBLIC,
    )
    for n in range(3):
        flashcard_create(
            owner=owner,
            catalog=catalog,
            front=f"{LONG}{n}",
            back="the badge on the cap of a Danube steamship company captain " * 2,
            hint="a compound noun",
        )
    return catalog


def fits(page: Page, name: str) -> None:
    shoot(page, name)
    assert not scrolls_sideways(page), f"{name} scrolls sideways on a phone"


def test_the_decks_pages_fit_a_phone_and_stay_usable(visitors: Visitors):
    ana = UserFactory(username="ana")
    catalog = catalog_with_long_cards(ana)
    page = visitors.page_for(ana, **PHONE)

    page.goto("/catalogs/")
    expect(page.get_by_role("link", name=catalog.name)).to_be_visible()
    fits(page, "phone-catalogs")

    page.get_by_role("link", name=catalog.name).click()
    expect(page.locator("#card-rows tr")).to_have_count(3)
    fits(page, "phone-catalog-detail")
    form = page.locator("#add-card")
    form.get_by_label("Front").fill("Haus")
    form.get_by_label("Back").fill("house")
    form.get_by_role("button", name="Add").click()
    expect(page.locator("#card-count")).to_have_text("4 cards")
    page.locator("#card-rows tr", has_text="Haus").get_by_role("link", name="Edit").click()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    fits(page, "phone-catalog-edit-row")

    page.goto("/library/")
    expect(page.locator("#results article")).to_have_count(1)
    fits(page, "phone-library")

    page.goto("/catalogs/import/")
    expect(page.get_by_role("button", name="Import")).to_be_visible()
    fits(page, "phone-import")

    page.goto(f"/catalogs/{catalog.pk}/share/")
    fits(page, "phone-share")
    page.goto(f"/catalogs/{catalog.pk}/settings/")
    fits(page, "phone-settings")
    assert visitors.errors == []
    assert visitors.failed_responses == []
