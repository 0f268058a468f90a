import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from decks.models import Catalog, Flashcard, ImportJob, Language
from decks.services.languages import languages_seed
from decks.tests.anki_fixtures import ANKI_FIXTURES
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def languages(db):
    languages_seed()


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def submit(signed_in, django_capture_on_commit_callbacks):
    def post(name, content, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return signed_in.post(
                "/catalogs/import/", {"file": SimpleUploadedFile(name, content), **fields}
            )

    return post


def test_import_page_offers_only_catalogs_i_can_edit(signed_in, learner):
    mine = CatalogFactory(owner=learner, name="Mine")
    CatalogFactory(name="Someone else's", visibility=Catalog.Visibility.PUBLIC)
    response = signed_in.get("/catalogs/import/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert f'<option value="{mine.pk}">Mine</option>' in page
    assert "Someone else" not in page


def test_import_page_lists_my_recent_imports(signed_in, learner):
    ImportJob.objects.create(
        owner=learner, file_name="mine.csv", file_format="csv", status="done", created_count=3
    )
    ImportJob.objects.create(
        owner=CatalogFactory().owner, file_name="theirs.csv", file_format="csv"
    )
    page = signed_in.get("/catalogs/import/").content.decode()
    assert "mine.csv</a> — done, 3 cards created" in page
    assert "theirs.csv" not in page


def test_import_page_needs_a_signed_in_user(client):
    response = client.get("/catalogs/import/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_submitting_a_file_redirects_to_its_progress_page(submit, signed_in, learner):
    response = submit("words.csv", "hola,hello,,es\nadiós,bye,,es\n,nothing,,es\n".encode())
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.pk}/"
    page = signed_in.get(response["Location"]).content.decode()
    catalog = Catalog.objects.get(owner=learner)
    assert "<strong>2</strong> cards created" in page
    assert "<strong>1</strong> row rejected" in page
    assert "The front is empty." in page
    assert f'<a href="/catalogs/{catalog.pk}/">words</a>' in page
    assert "hx-trigger" not in page  # finished: no more polling


def test_progress_page_polls_while_the_job_runs(signed_in, learner):
    job = ImportJob.objects.create(
        owner=learner, file_name="big.csv", file_format="csv", status="running", progress=42
    )
    page = signed_in.get(f"/imports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert '<progress value="42" max="100"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    fragment = signed_in.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith("<div hx-get=")
    assert b"<html" not in fragment.content


def test_polling_stops_with_the_result_fragment(signed_in, learner):
    job = ImportJob.objects.create(
        owner=learner, file_name="x.csv", file_format="csv", status="failed", detail="Broken."
    )
    fragment = signed_in.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert b"hx-trigger" not in fragment.content
    assert b"Broken." in fragment.content


def test_someone_elses_import_is_404(signed_in):
    job = ImportJob.objects.create(
        owner=CatalogFactory().owner, file_name="x.csv", file_format="csv"
    )
    assert signed_in.get(f"/imports/{job.pk}/").status_code == 404


def test_apkg_import_into_new_catalogs(submit, signed_in):
    response = submit("deck.apkg", (ANKI_FIXTURES / "anki21b.apkg").read_bytes(), language="es")
    page = signed_in.get(response["Location"]).content.decode()
    assert "Spanish::Verbs" in page
    assert "cloze notes" in page
    assert Catalog.objects.count() == 3
    assert "<strong>47</strong> reviews of the Anki history imported" in page
    assert "<strong>6</strong> reviews skipped" in page


def test_apkg_without_language_goes_to_its_preview(submit, signed_in):
    response = submit("deck.apkg", (ANKI_FIXTURES / "anki21b.apkg").read_bytes())
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/{job.pk}/"
    # Its decks are read: the progress page leads to the preview.
    assert signed_in.get(f"/imports/{job.pk}/")["Location"] == f"/imports/{job.pk}/preview/"
    page = signed_in.get(f"/imports/{job.pk}/preview/").content.decode()
    assert '<th scope="row">Spanish::Verbs</th>' in page
    assert "<td>19</td>" in page
    assert "29 reviews" in page
    assert '<option value="es" selected>Spanish</option>' in page
    assert "Detected: Galician" in page
    assert not Flashcard.objects.exists()


def confirm(client, job, capture, **languages):
    """Post the preview form with the detected languages, changed by `languages` (by index)."""
    data = {f"deck-{index}": deck["language"] or "" for index, deck in enumerate(job.decks)}
    with capture(execute=True):
        return client.post(f"/imports/{job.pk}/preview/", data | languages)


def test_confirming_a_corrected_language_imports_with_it(
    submit, signed_in, django_capture_on_commit_callbacks
):
    submit("deck.apkg", (ANKI_FIXTURES / "anki21b.apkg").read_bytes())
    job = ImportJob.objects.get()
    verbs = [deck["name"] for deck in job.decks].index("Spanish::Verbs")

    response = confirm(
        signed_in, job, django_capture_on_commit_callbacks, **{f"deck-{verbs}": "es"}
    )

    assert response["Location"] == f"/imports/{job.pk}/"
    page = signed_in.get(response["Location"]).content.decode()
    assert "<h2>Done</h2>" in page
    assert "<strong>47</strong> reviews of the Anki history imported" in page
    assert Catalog.objects.get(name="Spanish::Verbs").language.code == "es"
    assert set(Flashcard.objects.values_list("language__code", flat=True)) == {"es"}


def test_a_csv_without_language_is_previewed_too(
    submit, signed_in, django_capture_on_commit_callbacks
):
    submit("mots.csv", b"bonjour,hello\nmerci beaucoup,thank you\nla maison,the house\n")
    job = ImportJob.objects.get()
    page = signed_in.get(f"/imports/{job.pk}/preview/").content.decode()
    assert '<option value="fr" selected>French</option>' in page
    confirm(signed_in, job, django_capture_on_commit_callbacks)
    assert Catalog.objects.get(name="mots").language.code == "fr"


@pytest.mark.parametrize(
    ("language", "message"),
    [("", "Choose the language of “Spanish”."), ("tlh", "Select a valid choice.")],
)
def test_a_missing_or_unknown_language_is_a_form_error(
    submit, signed_in, django_capture_on_commit_callbacks, language, message
):
    submit("deck.apkg", (ANKI_FIXTURES / "anki21.apkg").read_bytes())
    job = ImportJob.objects.get()
    response = confirm(signed_in, job, django_capture_on_commit_callbacks, **{"deck-0": language})
    assert response.status_code == 400
    assert message in response.content.decode()
    job.refresh_from_db()
    assert job.status == "preview"
    assert not Flashcard.objects.exists()


def test_an_undetected_deck_must_be_chosen(submit, signed_in):
    submit("codes.csv", b"a1,b\nc2,d\n")
    job = ImportJob.objects.get()
    page = signed_in.get(f"/imports/{job.pk}/preview/").content.decode()
    assert '<option value="" selected>Unknown — choose one</option>' in page
    assert "Not detected" in page


def test_cancelling_a_preview_deletes_the_job(submit, signed_in):
    submit("deck.apkg", (ANKI_FIXTURES / "anki21.apkg").read_bytes())
    job = ImportJob.objects.get()
    response = signed_in.post(f"/imports/{job.pk}/cancel/")
    assert response["Location"] == "/catalogs/import/"
    assert not ImportJob.objects.exists()
    assert not Catalog.objects.exists()


def test_someone_elses_preview_is_404(submit, client, signed_in):
    submit("deck.apkg", (ANKI_FIXTURES / "anki21.apkg").read_bytes())
    job = ImportJob.objects.get()
    client.force_login(CatalogFactory().owner)
    assert client.get(f"/imports/{job.pk}/preview/").status_code == 404
    assert client.post(f"/imports/{job.pk}/preview/", {"deck-0": "es"}).status_code == 404
    assert client.post(f"/imports/{job.pk}/cancel/").status_code == 404
    job.refresh_from_db()
    assert job.status == "preview"


def test_a_file_being_read_waits_then_its_preview_takes_over(signed_in, learner):
    job = ImportJob.objects.create(
        owner=learner, file_name="big.apkg", file_format="apkg", status="preview"
    )
    page = signed_in.get(f"/imports/{job.pk}/").content.decode()
    assert "Waiting for a worker… 0%" in page
    assert 'hx-trigger="every 1s"' in page
    # The preview page is only for read decks.
    assert signed_in.get(f"/imports/{job.pk}/preview/")["Location"] == f"/imports/{job.pk}/"
    ImportJob.objects.filter(pk=job.pk).update(progress=40)
    page = signed_in.get(f"/imports/{job.pk}/").content.decode()
    assert "Reading the file… 40%" in page
    assert '<progress value="40" max="100"' in page
    ImportJob.objects.filter(pk=job.pk).update(decks=[DECK])
    fragment = signed_in.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert fragment["HX-Redirect"] == f"/imports/{job.pk}/preview/"


DECK = {
    "key": "Deck",
    "name": "Deck",
    "cards": 3,
    "reviews": 0,
    "without_language": 3,
    "detected": "es",
    "language": "es",
}


def test_the_preview_page_queries_do_not_grow_with_decks(
    signed_in, learner, django_assert_max_num_queries
):
    decks = [DECK | {"key": f"Deck {n}", "name": f"Deck {n}"} for n in range(50)]
    job = ImportJob.objects.create(
        owner=learner, file_name="many.apkg", file_format="apkg", status="preview", decks=decks
    )
    with django_assert_max_num_queries(5):
        page = signed_in.get(f"/imports/{job.pk}/preview/").content.decode()
    assert page.count('<option value="es" selected>') == 50


def test_bad_file_type_is_a_form_error(submit):
    response = submit("words.pdf", b"%PDF-1.4")
    assert response.status_code == 400
    assert "Cannot import a .pdf file" in response.content.decode()


@override_settings(IMPORT_MAX_BYTES=500)
def test_over_size_file_is_a_form_error(submit):
    response = submit("big.csv", b"uno,one,,es\n" * 100)
    assert response.status_code == 413
    page = response.content.decode()
    assert "larger than the import limit" in page
    assert "This field is required" not in page
    assert not ImportJob.objects.exists()


def test_a_bad_file_shows_why_and_imports_nothing(submit, signed_in):
    response = submit("deck.apkg", b"PK\x03\x04 broken", language="es")
    page = signed_in.get(response["Location"]).content.decode()
    assert "The import failed" in page
    assert "not an Anki package" in page
    assert not Flashcard.objects.exists()


def test_export_download_from_the_site(signed_in, learner):
    catalog = CatalogFactory(owner=learner, name="Verbs", language=Language.objects.get(code="es"))
    CatalogFlashcardFactory(catalog=catalog, flashcard__front="ser", flashcard__back="to be")
    response = signed_in.get(f"/catalogs/{catalog.pk}/export/?format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="verbs.csv"'
    assert response.content == b"front,back,hint,language\nser,to be,,es\n"
    assert signed_in.get(f"/catalogs/{catalog.pk}/export/?format=doc").status_code == 400
    assert signed_in.get(f"/catalogs/{CatalogFactory().pk}/export/?format=csv").status_code == 404
