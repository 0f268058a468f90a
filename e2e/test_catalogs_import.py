"""Importing files in a real browser and watching the job finish; exporting a catalog."""

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from decks.models import Catalog, ImportJob
from decks.services.imports import import_job_preview, import_job_run
from decks.services.languages import languages_seed
from decks.tests.anki_fixtures import ANKI_FIXTURES
from e2e.decks_support import Visitors, shoot

pytestmark = pytest.mark.django_db(transaction=True)

WORDS_CSV = "front,back,hint,language\nhola,hello,,es\ngato,cat,a pet,es\nhola,hi,,es\n,empty,,es\n"


@pytest.fixture
def visitors(new_context, live_server) -> Visitors:
    languages_seed()
    return Visitors(new_context, live_server.url)


@pytest.fixture
def queued_tasks(settings):
    """Imports wait in the queue until the test runs them, as a worker would later."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def run_the_worker() -> None:
    """Read the files imported without a language, then run the imports queued."""
    for job in ImportJob.objects.filter(status=ImportJob.Status.PREVIEW, decks=[]):
        import_job_preview(job_id=job.pk)
    for job in ImportJob.objects.filter(status=ImportJob.Status.PENDING):
        import_job_run(job_id=job.pk)


def upload(page: Page, name: str, content: bytes, language: str = "") -> None:
    page.goto("/catalogs/import/")
    page.get_by_label("File").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": content}
    )
    if language:
        page.get_by_label("Language").select_option(language)
    page.get_by_role("button", name="Import").click()


@pytest.mark.usefixtures("queued_tasks")
def test_a_csv_import_is_watched_until_done_then_the_catalog_is_exported(visitors: Visitors):
    page = visitors.page_for(UserFactory(username="ana"))

    page.goto("/catalogs/import/")
    shoot(page, "import")
    upload(page, "words.csv", WORDS_CSV.encode())

    expect(page.get_by_role("heading", level=1)).to_have_text("Import of words.csv")
    status = page.locator("#import-status")
    expect(status).to_contain_text("Waiting for a worker… 0%")
    expect(status.get_by_role("progressbar", name="Import progress")).to_be_visible()
    shoot(page, "import-waiting")

    run_the_worker()  # the page polls and shows the result without a reload

    expect(status.get_by_role("heading", name="Done")).to_be_visible()
    expect(status.locator(".import-counts li")).to_have_text(
        ["2 cards created", "1 duplicate skipped", "1 row rejected"]
    )
    expect(status.locator("table")).to_contain_text("5")  # the rejected row's line number
    shoot(page, "import-done")
    status.get_by_role("link", name="words").click()

    catalog = Catalog.objects.get(name="words")
    expect(page).to_have_url(f"{visitors.base_url}/catalogs/{catalog.pk}/")
    expect(page.locator("#card-count")).to_have_text("2 cards")

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename == "words.csv"
    rows = list(csv.reader(io.StringIO(download.path().read_text())))
    assert rows == [
        ["front", "back", "hint", "language"],
        ["hola", "hello", "", "es"],
        ["gato", "cat", "a pet", "es"],
    ]
    assert visitors.errors == []
    assert visitors.failed_responses == []


def test_a_real_anki_package_becomes_one_catalog_per_deck(visitors: Visitors):
    page = visitors.page_for(UserFactory(username="ana"))

    upload(page, "anki21b.apkg", (ANKI_FIXTURES / "anki21b.apkg").read_bytes(), language="es")

    status = page.locator("#import-status")
    expect(status.get_by_role("heading", name="Done")).to_be_visible()
    expect(status.locator(".import-counts li")).to_have_text(
        [
            "37 cards created",
            "1 duplicate skipped",
            "2 rows rejected",
            "47 reviews of the Anki history imported",
            "6 reviews skipped",
        ]
    )
    expect(status.get_by_role("listitem").get_by_role("link")).to_have_text(
        ["Spanish", "Spanish::Food", "Spanish::Verbs"]
    )
    shoot(page, "import-anki-done")
    status.get_by_role("link", name="Spanish::Verbs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spanish::Verbs")
    expect(page.locator("#card-count")).to_have_text("18 cards")

    page.goto("/catalogs/import/")
    expect(page.get_by_role("region", name="Your recent imports")).to_contain_text(
        "anki21b.apkg — done, 37 cards created"
    )
    assert visitors.errors == []
    assert visitors.failed_responses == []


def test_an_anki_package_without_language_is_previewed_corrected_and_imported(
    visitors: Visitors,
):
    page = visitors.page_for(UserFactory(username="ana"))

    upload(page, "anki21b.apkg", (ANKI_FIXTURES / "anki21b.apkg").read_bytes())

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import of anki21b.apkg")
    rows = page.locator("table.import-preview tbody tr")
    expect(rows.locator("th")).to_have_text(["Spanish", "Spanish::Verbs", "Spanish::Food"])
    verbs = rows.filter(has_text="Spanish::Verbs")
    expect(verbs.locator("td")).to_contain_text(["19", "29 reviews", "Detected: Galician"])
    food = page.get_by_label("Language of Spanish::Food")
    expect(food).to_have_value("es")
    language = page.get_by_label("Language of Spanish::Verbs")
    expect(language).to_have_value("gl")  # infinitives fool the detector: the learner corrects it
    shoot(page, "import-preview")
    language.select_option("es")
    page.get_by_role("button", name="Confirm and import").click()

    status = page.locator("#import-status")
    expect(status.get_by_role("heading", name="Done")).to_be_visible()
    expect(status.locator(".import-counts li").first).to_have_text("37 cards created")
    status.get_by_role("link", name="Spanish::Verbs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spanish::Verbs")
    expect(page.locator("#card-count")).to_have_text("18 cards")
    assert set(Catalog.objects.values_list("language__code", flat=True)) == {"es"}
    assert visitors.errors == []
    assert visitors.failed_responses == []
