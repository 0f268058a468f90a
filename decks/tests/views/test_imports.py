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


def test_apkg_without_language_is_a_form_error(submit):
    response = submit("deck.apkg", (ANKI_FIXTURES / "anki21.apkg").read_bytes())
    assert response.status_code == 400
    assert "choose one" in response.content.decode()
    assert not ImportJob.objects.exists()


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
