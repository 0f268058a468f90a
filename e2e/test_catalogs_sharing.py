"""Sharing a catalog in a real browser: people and roles, the unlisted link, the library."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import UserFactory
from decks.models import Catalog, Language
from decks.services.catalogs import catalog_create
from decks.services.flashcards import flashcard_create
from decks.services.languages import languages_seed
from e2e.decks_support import Visitors, shoot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def visitors(new_context, live_server) -> Visitors:
    languages_seed()
    return Visitors(new_context, live_server.url)


def spanish_catalog(owner: User, name: str = "Spanish basics") -> Catalog:
    catalog = catalog_create(owner=owner, name=name, language=Language.objects.get(code="es"))
    for front, back in [("hola", "hello"), ("gato", "cat"), ("perro", "dog")]:
        flashcard_create(owner=owner, catalog=catalog, front=front, back=back)
    return catalog


def set_visibility(page: Page, catalog: Catalog, visibility: str) -> None:
    page.goto(f"/catalogs/{catalog.pk}/")
    page.get_by_role("button", name="Settings").click()
    page.get_by_label("Visibility").select_option(visibility)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Catalog saved.")


def test_the_owner_shares_with_a_viewer_then_an_editor_then_by_link(visitors: Visitors):
    ana, bea, cai = (UserFactory(username=name) for name in ("ana", "bea", "cai"))
    catalog = spanish_catalog(ana)
    owner, friend, stranger = (visitors.page_for(user) for user in (ana, bea, cai))

    owner.goto(f"/catalogs/{catalog.pk}/")
    owner.get_by_role("button", name="Share").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Share “Spanish basics”")
    owner.get_by_label("Username or email").fill("bea@example.com")
    owner.locator("fieldset").get_by_label("Role").select_option("viewer")
    owner.get_by_role("button", name="Share").click()
    expect(owner.locator(".messages")).to_contain_text("Shared with bea as viewer.")
    expect(owner.get_by_label("Role of bea")).to_have_value("viewer")
    shoot(owner, "catalog-share")

    friend.goto("/catalogs/")
    friend.get_by_label("Whose").select_option("shared")  # HTMX swaps the results
    expect(friend).to_have_url(
        f"{visitors.base_url}/catalogs/?search=&scope=shared&language=&visibility="
    )
    shared_row = friend.locator("#results tr", has_text="Spanish basics")
    expect(shared_row).to_contain_text("ana (viewer)")
    shoot(friend, "catalogs-shared-with-me")
    shared_row.get_by_role("link", name="Spanish basics").click()
    expect(friend.locator("hgroup")).to_contain_text("by ana · you are a viewer · 3 cards")
    expect(friend.locator("#card-rows tr")).to_have_count(3)
    expect(friend.locator("#add-card")).to_have_count(0)
    expect(friend.get_by_role("link", name="Edit")).to_have_count(0)
    expect(friend.get_by_role("button", name="Remove")).to_have_count(0)
    expect(friend.get_by_role("button", name="Settings")).to_have_count(0)
    shoot(friend, "catalog-as-viewer")

    owner.get_by_label("Role of bea").select_option("editor")
    owner.get_by_role("button", name="Change").click()
    expect(owner.locator(".messages")).to_contain_text("Shared with bea as editor.")
    expect(owner.get_by_label("Role of bea")).to_have_value("editor")

    friend.reload()
    expect(friend.locator("hgroup")).to_contain_text("you are an editor")
    friend.locator("#add-card").get_by_label("Front").fill("casa")
    friend.locator("#add-card").get_by_label("Back").fill("house")
    friend.locator("#add-card").get_by_role("button", name="Add").click()
    expect(friend.locator("#card-count")).to_have_text("4 cards")
    expect(friend.get_by_role("button", name="Settings")).to_have_count(0)  # still not hers

    set_visibility(owner, catalog, "unlisted")
    owner.get_by_role("button", name="Share").click()
    link = owner.get_by_label("Share link")
    first_link = link.input_value()
    assert first_link.startswith(f"{visitors.base_url}/share/")
    shoot(owner, "catalog-share-unlisted")

    stranger.goto(first_link)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Spanish basics")
    expect(stranger.locator("nav[aria-label=breadcrumb]")).to_contain_text("Shared link")
    expect(stranger.locator("#card-rows tr")).to_have_count(4)
    expect(stranger.locator("#add-card")).to_have_count(0)
    shoot(stranger, "catalog-by-link")

    owner.get_by_role("button", name="Make a new link").click()
    expect(owner.locator(".messages")).to_contain_text("the old one no longer works")
    second_link = owner.get_by_label("Share link").input_value()
    assert second_link != first_link

    stranger.goto(first_link)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Page not found")
    stranger.goto(second_link)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Spanish basics")
    assert visitors.errors == []
    old_path = first_link.removeprefix(visitors.base_url)
    assert visitors.failed_responses == [(404, "GET", old_path)]


def test_a_public_catalog_is_found_previewed_and_copied_from_the_library(visitors: Visitors):
    ana, dan = UserFactory(username="ana"), UserFactory(username="dan")
    catalog = spanish_catalog(ana)
    catalog_create(owner=ana, name="French verbs", visibility=Catalog.Visibility.PUBLIC)
    owner, learner = visitors.page_for(ana), visitors.page_for(dan)

    learner.goto("/library/")
    expect(learner.locator("#results")).not_to_contain_text("Spanish basics")  # still private

    set_visibility(owner, catalog, "public")
    expect(owner.locator("hgroup")).to_contain_text("Public (in the library)")

    learner.reload()
    learner.get_by_label("Search").fill("spanish")
    expect(learner.locator("#results article")).to_have_count(1)
    expect(learner.get_by_role("status")).to_have_text("1 public catalog found.")
    entry = learner.locator("#results article")
    expect(entry).to_contain_text("Spanish · by ana · 3 cards · 0 learners")
    shoot(learner, "library-search")
    entry.get_by_role("button", name="Preview").click()

    expect(learner.get_by_role("heading", level=1)).to_have_text("Spanish basics")
    expect(learner.locator("nav[aria-label=breadcrumb]")).to_contain_text("Library")
    expect(learner.locator("#card-rows tr")).to_have_count(3)
    expect(learner.locator("#add-card")).to_have_count(0)
    shoot(learner, "library-preview")
    learner.get_by_role("button", name="Copy into my catalogs").click()

    expect(learner.locator(".messages")).to_contain_text(
        "“Spanish basics” is now in your catalogs."
    )
    expect(learner.locator("hgroup")).to_contain_text("Spanish · Private · yours · 3 cards")
    fronts = learner.locator("#card-rows tr td:first-child")
    expect(fronts).to_have_text(["perro", "gato", "hola"], use_inner_text=True)
    expect(learner.locator("#add-card")).to_be_visible()  # the copy is theirs to change

    learner.get_by_role("link", name="Catalogs", exact=True).first.click()
    mine = learner.locator("#results tbody tr")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Spanish basics")
    expect(mine.locator("td").nth(2)).to_have_text("3")
    expect(mine.locator("td").nth(4)).to_have_text("You")
    assert visitors.errors == []
    assert visitors.failed_responses == []
