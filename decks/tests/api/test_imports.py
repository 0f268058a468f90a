import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from decks.models import Catalog, Flashcard, ImportJob, Language, Role
from decks.services.languages import languages_seed
from decks.tests.anki_fixtures import ANKI_FIXTURES, APKG_FILES, expected_counts
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory

pytestmark = pytest.mark.django_db
IMPORT_URL = "/api/v1/catalogs/import/"


@pytest.fixture(autouse=True)
def languages(db):
    languages_seed()


@pytest.fixture
def post_import(learner_api_client, django_capture_on_commit_callbacks):
    def post(name, content, client=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or learner_api_client).post(
                IMPORT_URL,
                {"file": SimpleUploadedFile(name, content), **fields},
                format="multipart",
            )

    return post


def test_csv_import_answers_202_with_the_job(post_import, learner_api_client, learner):
    response = post_import("words.csv", b"front,back,language\nhola,hello,es\nhola,hi,es\n")
    assert response.status_code == 202
    job = response.json()
    assert response["Location"] == f"/api/v1/imports/{job['id']}/"
    assert (job["status"], job["progress"], job["created"]) == ("pending", 0, 0)
    detail = learner_api_client.get(f"/api/v1/imports/{job['id']}/").json()
    catalog = Catalog.objects.get(owner=learner)
    assert detail | {"created_at": None, "finished_at": None} == {
        "id": job["id"],
        "status": "done",
        "progress": 100,
        "created": 1,
        "skipped_duplicates": 1,
        "rejected": [],
        "rejected_count": 0,
        "reviews_imported": 0,
        "reviews_skipped": 0,
        "catalogs": [catalog.pk],
        "decks": [  # no language given: every row names its own
            {
                "key": "words",
                "name": "words",
                "cards": 2,
                "reviews": 0,
                "without_language": 0,
                "detected": None,
                "language": None,
            }
        ],
        "detail": "",
        "file_name": "words.csv",
        "format": "csv",
        "created_at": None,
        "finished_at": None,
    }


@pytest.mark.parametrize("file", APKG_FILES)
def test_apkg_import_through_the_api(post_import, learner_api_client, file):
    expected = expected_counts(file)
    response = post_import(file, (ANKI_FIXTURES / file).read_bytes(), language="es")
    assert response.status_code == 202
    job = learner_api_client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert (job["created"], job["skipped_duplicates"], len(job["rejected"])) == (
        expected["created"],
        expected["skipped_duplicates"],
        expected["rejected"],
    )
    assert len(job["catalogs"]) == len(expected["cards_per_catalog"])
    assert (job["reviews_imported"], job["reviews_skipped"]) == (
        expected["reviews_imported"],
        expected["reviews_skipped"],
    )


def test_import_into_a_catalog_i_edit(post_import, learner):
    catalog = CatalogFactory(language=Language.objects.get(code="es"))
    catalog.shares.create(user=learner, role=Role.EDITOR)
    response = post_import("w.tsv", b"uno\tone\n", catalog=catalog.pk)
    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert list(job.catalogs.values_list("pk", flat=True)) == [catalog.pk]
    assert catalog.flashcards.get().owner == learner


def test_import_into_a_catalog_i_only_view_is_forbidden(post_import, learner):
    catalog = CatalogFactory(visibility=Catalog.Visibility.PUBLIC)
    response = post_import("w.csv", b"uno,one,,es\n", catalog=catalog.pk)
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_import_into_a_catalog_i_cannot_see_is_not_found(post_import):
    catalog = CatalogFactory()  # private, someone else's
    response = post_import("w.csv", b"uno,one,,es\n", catalog=catalog.pk)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_language_is_400(post_import):
    response = post_import("a.apkg", (ANKI_FIXTURES / "anki21.apkg").read_bytes(), language="tlh")
    assert response.status_code == 400
    assert "Unknown language code" in response.json()["language"][0]
    assert not ImportJob.objects.exists()


def test_apkg_without_language_is_imported_with_the_detected_ones(post_import, learner_api_client):
    response = post_import("a.apkg", (ANKI_FIXTURES / "anki21b.apkg").read_bytes())
    assert response.status_code == 202
    job = learner_api_client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert job["status"] == "done"
    assert {deck["name"]: deck["detected"] for deck in job["decks"]} == {
        "Spanish": "es",
        "Spanish::Verbs": "gl",
        "Spanish::Food": "es",
    }
    verbs = next(deck for deck in job["decks"] if deck["name"] == "Spanish::Verbs")
    assert verbs | {"cards": 19, "reviews": 29, "without_language": 19, "language": "gl"} == verbs
    assert Catalog.objects.get(name="Spanish::Food").language.code == "es"


def test_a_language_given_is_used_and_nothing_detected(post_import, learner_api_client):
    response = post_import("m.csv", b"bonjour,hello\nmerci beaucoup,thanks\n", language="es")
    job = learner_api_client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert (job["status"], job["decks"]) == ("done", [])
    assert set(Flashcard.objects.values_list("language__code", flat=True)) == {"es"}


def test_a_deck_whose_language_cannot_be_detected_fails_the_job(post_import, learner_api_client):
    response = post_import("codes.csv", b"a1,b\nc2,d\n")
    job = learner_api_client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert job["status"] == "failed"
    assert job["detail"] == (
        "The language of the cards of “codes” could not be detected: import the file again "
        "with a language. Nothing was imported."
    )
    assert job["decks"][0]["detected"] is None


def test_missing_file_is_400(learner_api_client):
    response = learner_api_client.post(IMPORT_URL, {"language": "es"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


def test_unknown_file_type_is_400(post_import):
    response = post_import("words.xlsx", b"\x00\x01")
    assert response.status_code == 400
    assert ".xlsx" in response.json()["file"][0]


@override_settings(IMPORT_MAX_BYTES=1000)
def test_an_over_size_file_is_413_and_never_stored(post_import):
    response = post_import("big.csv", b"uno,one,,es\n" * 200)
    assert response.status_code == 413
    assert "larger than the import limit" in response.json()["detail"]
    assert not ImportJob.objects.exists()


@override_settings(IMPORT_MAX_BYTES=1000)
def test_an_announced_over_size_body_is_refused_before_reading(learner_api_client):
    response = learner_api_client.generic(
        "POST",
        IMPORT_URL,
        b"x" * 10,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH="10000000",
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("deck.apkg", b"PK\x03\x04 not really a zip", "not an Anki package"),
        ("deck.apkg", b"", "empty"),
        ("words.csv", "hola,hello\n".encode("cp1252") + b"\x81\x8d\n", "not UTF-8"),
        ("words.csv", b"front,back,colour\n", "Wrong columns"),
    ],
)
def test_bad_files_give_a_clear_error(post_import, learner_api_client, name, content, message):
    response = post_import(name, content, language="es")
    if response.status_code == 202:  # found by the task
        job = learner_api_client.get(f"/api/v1/imports/{response.json()['id']}/").json()
        assert job["status"] == "failed"
        assert message in job["detail"]
    else:
        assert response.status_code == 400
        assert message in str(response.json())
    assert not Flashcard.objects.exists()


def _zip_without_collection() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("media", "{}")
    return buffer.getvalue()


def test_zip_without_collection_fails_the_job(post_import, learner_api_client):
    response = post_import("deck.apkg", _zip_without_collection(), language="es")
    job = learner_api_client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert job["status"] == "failed"
    assert "no Anki collection" in job["detail"]


def test_someone_elses_job_is_not_found(post_import, api_client):
    job_id = post_import("w.csv", b"uno,one,,es\n").json()["id"]
    other = APIClient()
    other.force_authenticate(CatalogFactory().owner)
    assert other.get(f"/api/v1/imports/{job_id}/").status_code == 404
    assert api_client.get(f"/api/v1/imports/{job_id}/").status_code == 401


def test_job_detail_queries_are_bounded(
    post_import, learner_api_client, django_assert_max_num_queries
):
    job_id = post_import(
        "anki21b.apkg", (ANKI_FIXTURES / "anki21b.apkg").read_bytes(), language="es"
    ).json()["id"]
    with django_assert_max_num_queries(3):
        learner_api_client.get(f"/api/v1/imports/{job_id}/")


def test_export_csv(learner_api_client, learner):
    catalog = CatalogFactory(owner=learner, name="Spanish: verbs")
    CatalogFlashcardFactory(catalog=catalog, flashcard__front="hablar", flashcard__back="to speak")
    response = learner_api_client.get(f"/api/v1/catalogs/{catalog.pk}/export/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="spanish-verbs.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["front", "back", "hint", "language"], ["hablar", "to speak", "", "es"]]


def test_export_apkg_of_a_public_catalog(learner_api_client):
    catalog = CatalogFactory(visibility=Catalog.Visibility.PUBLIC)
    CatalogFlashcardFactory(catalog=catalog)
    response = learner_api_client.get(f"/api/v1/catalogs/{catalog.pk}/export/?format=apkg")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "collection.anki2" in archive.namelist()


def test_export_round_trips_through_the_api(learner_api_client, learner, post_import):
    catalog = CatalogFactory(owner=learner, language=Language.objects.get(code="es"))
    for front in ("uno", "dos", "tres"):
        CatalogFlashcardFactory(
            catalog=catalog, flashcard__front=front, flashcard__language=catalog.language
        )
    for file_format in ("csv", "apkg"):
        exported = learner_api_client.get(
            f"/api/v1/catalogs/{catalog.pk}/export/?format={file_format}"
        )
        target = CatalogFactory(owner=learner, language=catalog.language)
        response = post_import(f"x.{file_format}", exported.content, catalog=target.pk)
        assert ImportJob.objects.get(pk=response.json()["id"]).created_count == 3
        assert set(target.flashcards.values_list("front", "back")) == set(
            catalog.flashcards.values_list("front", "back")
        )


@pytest.mark.parametrize("query", ["?format=pdf", "", "?format=json"])
def test_export_bad_format_is_400(learner_api_client, learner, query):
    catalog = CatalogFactory(owner=learner)
    response = learner_api_client.get(f"/api/v1/catalogs/{catalog.pk}/export/{query}")
    assert response.status_code == 400
    assert "csv or apkg" in response.json()["detail"]


def test_export_of_an_invisible_catalog_is_404(learner_api_client):
    catalog = CatalogFactory()
    response = learner_api_client.get(f"/api/v1/catalogs/{catalog.pk}/export/?format=csv")
    assert response.status_code == 404


def test_schema_documents_the_import_endpoints(learner_api_client):
    schema = learner_api_client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert {"202", "400", "403", "404", "413"} <= set(
        paths["/api/v1/catalogs/import/"]["post"]["responses"]
    )
    assert (
        "multipart/form-data" in paths["/api/v1/catalogs/import/"]["post"]["requestBody"]["content"]
    )
    assert "/api/v1/imports/{id}/" in paths
    assert {"200", "400", "404"} <= set(paths["/api/v1/catalogs/{id}/export/"]["get"]["responses"])
