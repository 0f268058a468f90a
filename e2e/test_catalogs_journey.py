"""A learner's catalog in a real browser: create it, add cards inline, duplicates, edit,
remove, and the same page without JavaScript."""

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from decks.models import Language
from decks.services.catalogs import catalog_create
from decks.services.flashcards import flashcard_create
from decks.services.languages import languages_seed
from e2e.decks_support import Visitors, shoot, stays_in_place, was_not_reloaded

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def visitors(new_context, live_server) -> Visitors:
    languages_seed()
    return Visitors(new_context, live_server.url)


def add_card(page: Page, front: str, back: str) -> None:
    form = page.locator("#add-card")
    form.get_by_label("Front").fill(front)
    form.get_by_label("Back").fill(back)
    form.get_by_role("button", name="Add").click()


def test_a_learner_builds_a_catalog_inline(visitors: Visitors):
    page = visitors.page_for(UserFactory(username="ana"))

    page.goto("/catalogs/")
    shoot(page, "catalogs-empty")
    page.get_by_role("button", name="New catalog").click()  # a link styled as a button
    page.get_by_label("Name").fill("Spanish basics")
    page.get_by_label("Language").select_option("es")
    shoot(page, "catalog-new")
    page.get_by_role("button", name="Create").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Spanish basics")
    expect(page.locator("hgroup")).to_contain_text("Spanish")
    expect(page.locator("#card-count")).to_have_text("0 cards")
    stays_in_place(page)

    add_card(page, "hola", "hello")
    expect(page.locator("#card-count")).to_have_text("1 card")
    add_card(page, "gato", "cat")
    expect(page.locator("#card-count")).to_have_text("2 cards")
    rows = page.locator("#card-rows tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("gato")  # the newest first
    # The form is emptied and ready for the next word.
    expect(page.locator("#add-card").get_by_label("Front")).to_have_value("")
    expect(page.locator("#add-card").get_by_label("Front")).to_be_focused()

    front = page.locator("#add-card").get_by_label("Front")
    warning = page.locator("#duplicate-warning")
    front.fill("HOLA")
    expect(warning).to_contain_text("“hola” is already in this catalog")
    front.fill("gatos")
    expect(warning).to_contain_text("Similar cards you already have: “gato” (89%)")
    front.fill("perro")
    expect(warning).to_be_empty()
    shoot(page, "catalog-detail")

    add_card(page, "hola", "hi")
    expect(page.locator("#add-card small.error")).to_have_text(
        "This word is already in the catalog."
    )
    expect(page.locator("#add-card").get_by_label("Front")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.locator("#card-count")).to_have_text("2 cards")
    shoot(page, "catalog-duplicate-error")

    gato = page.locator("#card-rows tr", has_text="gato")
    gato.get_by_role("link", name="Edit").click()
    editing = page.locator("#card-rows tr", has=page.get_by_role("button", name="Save"))
    expect(editing.get_by_label("Front")).to_be_focused()  # straight into the row's form
    editing.get_by_label("Back").fill("cat (the animal)")
    shoot(page, "catalog-edit-row")
    editing.get_by_role("button", name="Save").click()
    expect(page.locator("#card-rows tr", has_text="gato")).to_contain_text("cat (the animal)")
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    gato = page.locator("#card-rows tr", has_text="gato")
    expect(gato.get_by_role("link", name="Edit")).to_be_focused()  # not lost to the page top

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#card-rows tr", has_text="hola").get_by_role("button", name="Remove").click()
    expect(page.locator("#card-rows tr")).to_have_count(1)
    expect(page.locator("#card-count")).to_have_text("1 card")
    assert was_not_reloaded(page)

    page.reload()
    expect(page.locator("#card-rows tr")).to_have_count(1)
    expect(page.locator("#card-rows")).to_contain_text("cat (the animal)")
    assert visitors.errors == []
    catalog_path = page.url.removeprefix(visitors.base_url)
    assert visitors.failed_responses == [(400, "POST", catalog_path)]  # the duplicate's form


def test_without_javascript_the_catalog_page_still_adds_edits_and_removes(visitors: Visitors):
    ana = UserFactory(username="ana")
    catalog = catalog_create(
        owner=ana, name="Spanish basics", language=Language.objects.get(code="es")
    )
    flashcard_create(owner=ana, catalog=catalog, front="hola", back="hello")
    page = visitors.page_for(ana, java_script_enabled=False)

    page.goto(f"/catalogs/{catalog.pk}/")
    add_card(page, "gato", "cat")  # a plain form post, then a redirect
    expect(page).to_have_url(f"{visitors.base_url}/catalogs/{catalog.pk}/")
    expect(page.locator("#card-count")).to_have_text("2 cards")
    expect(page.locator("#card-rows tr").first).to_contain_text("gato")

    add_card(page, "hola", "hi")
    expect(page.locator("#add-card small.error")).to_have_text(
        "This word is already in the catalog."
    )
    expect(page.locator("#add-card").get_by_label("Back")).to_have_value("hi")  # kept
    shoot(page, "catalog-no-js-error")

    page.locator("#card-rows tr", has_text="gato").get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit “gato”")
    page.get_by_label("Back").fill("cat (the animal)")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#card-rows tr", has_text="gato")).to_contain_text("cat (the animal)")

    page.locator("#card-rows tr", has_text="hola").get_by_role("button", name="Remove").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove “hola” from “Spanish basics”?"
    )
    page.get_by_role("button", name="Remove").click()
    expect(page.locator(".messages")).to_contain_text("“hola” was removed from the catalog.")
    expect(page.locator("#card-count")).to_have_text("1 card")
    assert visitors.errors == []
    assert visitors.failed_responses == [(400, "POST", f"/catalogs/{catalog.pk}/")]
