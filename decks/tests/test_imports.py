import csv
import io
import os
import sqlite3
import tempfile
import threading
import time
import zipfile
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from decks.importers import ParsedFile, ParsedRow
from decks.importers.scratch import SCRATCH_PREFIX
from decks.models import Catalog, CatalogFlashcard, Flashcard, ImportJob, Language, Role
from decks.services import imports
from decks.services.catalogs import catalog_create
from decks.services.exports import catalog_export_apkg, catalog_export_csv
from decks.services.imports import (
    flashcards_import,
    import_job_cancel,
    import_job_confirm,
    import_job_create,
    import_job_progress,
    import_job_progress_publish,
    import_job_run,
    import_jobs_fail_stale,
)
from decks.services.languages import languages_seed
from decks.tests.anki_fixtures import (
    ANKI_FIXTURES,
    APKG_FILES,
    anki_package,
    expected_counts,
    zip_bomb,
)
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory

pytestmark = pytest.mark.django_db


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def languages(db):
    languages_seed()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def run_import(user, name, content, *, catalog=None, language="", capture=None) -> ImportJob:
    with capture(execute=True):
        job = import_job_create(
            owner=user, file=upload(name, content), catalog=catalog, language_code=language
        )
    job.refresh_from_db()
    return job


@pytest.fixture
def do_import(learner, languages, django_capture_on_commit_callbacks):
    def do(name, content, **kwargs):
        kwargs.setdefault("capture", django_capture_on_commit_callbacks)
        return run_import(kwargs.pop("user", learner), name, content, **kwargs)

    return do


def test_csv_import_creates_a_catalog_named_after_the_file(do_import, learner):
    job = do_import(
        "spanish words.csv", "front,back,hint,language\nhola,hello,,es\nsí,yes,,es\n".encode()
    )
    assert (job.status, job.progress, job.created_count, job.rejected) == ("done", 100, 2, [])
    catalog = job.catalogs.get()
    assert (catalog.name, catalog.owner, catalog.language.code) == ("spanish words", learner, "es")
    assert sorted(catalog.flashcards.values_list("front", flat=True)) == ["hola", "sí"]
    assert set(Flashcard.objects.values_list("owner", flat=True)) == {learner.pk}
    assert not job.file


def test_tsv_import_uses_the_language_parameter_for_rows_without_one(do_import):
    job = do_import("words.tsv", b"gato\tcat\nchat\tcat\t\tfr\n", language="es")
    assert job.created_count == 2
    assert dict(Flashcard.objects.values_list("front", "language__code")) == {
        "gato": "es",
        "chat": "fr",
    }
    assert job.catalogs.get().language is None  # mixed languages


def test_rejected_rows_are_listed_with_their_reasons(do_import):
    content = (
        "front,back,language\n"
        "hola,hello,es\n"
        ",empty front,es\n"
        "adiós,,es\n"
        "uno,one,xx\n"
        "dos,two,\n"
        f"{'a' * 501},too long,es\n"
    )
    job = do_import("words.csv", content.encode())
    assert job.created_count == 1
    assert [item["row"] for item in job.rejected] == [3, 4, 5, 6, 7]
    reasons = [item["reason"] for item in job.rejected]
    assert "front is empty" in reasons[0]
    assert "back is empty" in reasons[1]
    assert "Unknown language code “xx”" in reasons[2]
    assert "no language" in reasons[3]
    assert "at most 500" in reasons[4]
    assert job.rejected_count == 5


def test_duplicates_in_the_file_and_in_the_catalog_are_skipped(do_import, learner):
    catalog = CatalogFactory(owner=learner, language=Language.objects.get(code="es"))
    CatalogFlashcardFactory(
        catalog=catalog, flashcard__front="Hola", flashcard__language=catalog.language
    )
    content = "hola,hello\nHOLA ,hi\ngato,cat\n  gato,cat again\nperro,dog\n"
    job = do_import("more.csv", content.encode(), catalog=catalog)
    assert (job.created_count, job.skipped_duplicates) == (2, 3)
    assert list(job.catalogs.all()) == [catalog]
    assert catalog.memberships.count() == 3
    assert Catalog.objects.count() == 1


def test_importing_into_a_catalog_with_a_language_rejects_other_languages(do_import, learner):
    catalog = CatalogFactory(owner=learner, language=Language.objects.get(code="es"))
    job = do_import("w.csv", b"uno,one,,es\nun,one,,fr\ndos,two\n", catalog=catalog)
    assert job.created_count == 2
    assert [item["row"] for item in job.rejected] == [2]
    assert "every card of catalog" in job.rejected[0]["reason"]


@pytest.mark.parametrize("file", APKG_FILES)
def test_apkg_import_matches_the_manifest(do_import, learner, file):
    expected = expected_counts(file)
    job = do_import(file, (ANKI_FIXTURES / file).read_bytes(), language="es")
    assert job.status == "done"
    assert job.created_count == expected["created"]
    assert job.skipped_duplicates == expected["skipped_duplicates"]
    assert len(job.rejected) == expected["rejected"]
    per_catalog = {c.name: c.memberships.count() for c in job.catalogs.all()}
    assert per_catalog == expected["cards_per_catalog"]
    assert "Default" not in per_catalog
    assert set(job.catalogs.values_list("language__code", "owner")) == {("es", learner.pk)}
    assert "media files are not imported" in job.detail
    comer = Flashcard.objects.get(front_normalized="comer")
    assert comer.front == "<b>comer</b>"  # the bold of the package is kept
    assert comer.back == "to eat\nYo como pan todos los días."
    assert Flashcard.objects.get(front="tomar").back == "to take"  # the first one wins


def test_apkg_into_an_existing_catalog_puts_every_deck_there(do_import, learner):
    catalog = CatalogFactory(owner=learner, language=Language.objects.get(code="es"))
    job = do_import("anki21b.apkg", (ANKI_FIXTURES / "anki21b.apkg").read_bytes(), catalog=catalog)
    assert list(job.catalogs.all()) == [catalog]
    assert catalog.memberships.count() == expected_counts("anki21b.apkg")["created"]
    assert Catalog.objects.count() == 1


@pytest.mark.parametrize("file", APKG_FILES)
def test_apkg_without_language_gets_one_detected_per_deck(do_import, file):
    job = do_import(file, (ANKI_FIXTURES / file).read_bytes())

    assert job.status == "done"
    assert job.created_count == expected_counts(file)["created"]
    by_deck = {deck["name"]: (deck["cards"], deck["detected"]) for deck in job.decks}
    # Spanish verbs in the infinitive (hablar, comer…) look Galician to the detector: the
    # preview is where a learner corrects that.
    assert by_deck == {
        "Spanish": (2, "es"),
        "Spanish::Verbs": (19, "gl"),
        "Spanish::Food": (17, "es"),
    }
    assert sum(deck["reviews"] for deck in job.decks) == expected_counts(file)["reviews_imported"]
    languages = dict(Catalog.objects.values_list("name", "language__code"))
    assert languages == {"Spanish": "es", "Spanish::Verbs": "gl", "Spanish::Food": "es"}


def test_a_csv_without_language_gets_the_detected_one(do_import, learner):
    job = do_import("mots.csv", b"bonjour,hello\nmerci beaucoup,thank you\nla maison,the house\n")
    assert job.status == "done"
    assert job.decks[0] | {"detected": "fr"} == job.decks[0]
    assert set(Flashcard.objects.values_list("language__code", flat=True)) == {"fr"}
    assert Catalog.objects.get(owner=learner).language.code == "fr"


def test_a_deck_whose_language_cannot_be_told_fails_naming_it(do_import):
    job = do_import("codes.csv", b"a1,b\nc2,d\n")
    assert job.status == "failed"
    assert "“codes” could not be detected" in job.detail
    assert "Nothing was imported." in job.detail
    assert not Flashcard.objects.exists()


def test_rows_naming_their_language_are_not_previewed(
    learner, languages, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(owner=learner, file=upload("w.csv", b"hola,hi,,es\n"), preview=True)
    job.refresh_from_db()
    assert job.status == "done"
    assert job.created_count == 1


def preview_of(learner, name, content, capture) -> ImportJob:
    with capture(execute=True):
        job = import_job_create(owner=learner, file=upload(name, content), preview=True)
    job.refresh_from_db()
    return job


def test_a_preview_waits_for_confirmation_then_imports_the_corrected_languages(
    learner, languages, django_capture_on_commit_callbacks
):
    content = (ANKI_FIXTURES / "anki21b.apkg").read_bytes()
    job = preview_of(learner, "deck.apkg", content, django_capture_on_commit_callbacks)
    assert job.status == "preview"
    assert job.is_awaiting_confirmation
    assert [deck["language"] for deck in job.decks] == ["es", "gl", "es"]
    assert not Flashcard.objects.exists()

    with django_capture_on_commit_callbacks() as queued:
        import_job_confirm(job=job, languages={"Spanish::Verbs": "es"})
    job.refresh_from_db()
    assert (job.status, job.progress, job.is_waiting) == ("pending", 0, True)
    queued[0]()

    job.refresh_from_db()
    assert job.status == "done"
    assert job.reviews_imported == expected_counts("anki21b.apkg")["reviews_imported"]
    assert set(Catalog.objects.values_list("language__code", flat=True)) == {"es"}
    assert not job.file


@pytest.mark.parametrize(
    ("languages_given", "message"),
    [
        ({"Spanish::Nouns": "es"}, "The file has no deck “Spanish::Nouns”."),
        ({"Spanish": "tlh"}, "Unknown language code “tlh”"),
        ({"Spanish": ""}, "Choose the language of the cards of “Spanish”."),
    ],
)
def test_a_bad_confirmation_is_refused_and_the_preview_kept(
    learner, languages, django_capture_on_commit_callbacks, languages_given, message
):
    content = (ANKI_FIXTURES / "anki21.apkg").read_bytes()
    job = preview_of(learner, "deck.apkg", content, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match=message):
        import_job_confirm(job=job, languages=languages_given)
    job.refresh_from_db()
    assert (job.status, job.decks[0]["language"]) == ("preview", "es")


def test_a_broken_file_fails_its_preview_with_the_reason(
    learner, languages, django_capture_on_commit_callbacks
):
    job = preview_of(learner, "deck.apkg", b"PK\x03\x04 broken", django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert "not an Anki package" in job.detail
    assert not job.file


def test_a_cancelled_preview_is_gone_with_its_file(
    learner, languages, django_capture_on_commit_callbacks
):
    job = preview_of(learner, "m.csv", b"bonjour,hello\n", django_capture_on_commit_callbacks)
    path = Path(job.file.path)
    import_job_cancel(job=job)
    assert not ImportJob.objects.exists()
    assert not path.exists()


def test_the_stale_sweep_deletes_previews_nobody_confirmed(
    learner, languages, django_capture_on_commit_callbacks
):
    old = preview_of(learner, "old.csv", b"bonjour,hello\n", django_capture_on_commit_callbacks)
    young = preview_of(learner, "new.csv", b"bonjour,hello\n", django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))

    import_jobs_fail_stale(older_than=timedelta(hours=1))

    assert list(ImportJob.objects.all()) == [young]
    assert not Path(old.file.path).exists()


def test_unknown_language_and_mismatch_are_refused_at_submission(learner, languages):
    with pytest.raises(ValidationError, match="Unknown language"):
        import_job_create(owner=learner, file=upload("a.csv", b"a,b\n"), language_code="klingon")
    catalog = CatalogFactory(owner=learner, language=Language.objects.get(code="es"))
    with pytest.raises(ValidationError, match="another language"):
        import_job_create(
            owner=learner, file=upload("a.csv", b"a,b\n"), catalog=catalog, language_code="fr"
        )


def test_only_editors_may_import_into_a_catalog(learner, languages):
    others = CatalogFactory(visibility=Catalog.Visibility.PUBLIC)
    with pytest.raises(PermissionDenied):
        import_job_create(owner=learner, file=upload("a.csv", b"a,b,,es\n"), catalog=others)
    others.shares.create(user=learner, role=Role.EDITOR)
    job = import_job_create(owner=learner, file=upload("a.csv", b"a,b,,es\n"), catalog=others)
    assert job.target_catalog == others


@override_settings(IMPORT_MAX_BYTES=100)
def test_files_over_the_size_limit_are_refused(learner):
    with pytest.raises(ValidationError, match="larger than the import limit"):
        import_job_create(owner=learner, file=upload("big.csv", b"a,b\n" * 30))
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "detail"),
    [
        ("words.csv", "hola,hello\n".encode("utf-16"), "not UTF-8"),
        ("words.csv", b"front,back,colour\na,b,c\n", "Wrong columns"),
        ("deck.apkg", b"this is not a zip", "not an Anki package"),
        ("deck.apkg", b"PK\x03\x04 broken zip", "not an Anki package"),
        ("deck.apkg", zip_of({"media": b"{}"}), "no Anki collection"),
        (
            "deck.apkg",
            zip_of({"collection.anki2": b"SQLite format 3\x00" + b"\xff" * 4096}),
            "damaged",
        ),
        (
            "deck.apkg",
            zip_of({"meta": b"\x08\x03", "collection.anki21b": b"\x28\xb5\x2f\xfd broken"}),
            "damaged",
        ),
    ],
)
def test_bad_files_fail_the_job_and_write_nothing(do_import, name, content, detail):
    job = do_import(name, content, language="es")
    assert job.status == "failed"
    assert detail in job.detail
    assert "Nothing was imported" in job.detail
    assert not Flashcard.objects.exists()
    assert not Catalog.objects.exists()
    assert not job.file


def test_a_failure_while_writing_leaves_nothing_behind(learner, languages):
    """Someone adds a word to the catalog while the import writes its second batch: the
    unique constraint stops the import when it moves its cards into the catalog, and every
    card it wrote is deleted; the other writer's card stays."""
    catalog = CatalogFactory(owner=learner, language=Language.objects.get(code="es"))
    rows = [ParsedRow(n, f"palabra {n}", "x") for n in range(1, 2500)]
    existing = CatalogFlashcard.objects.none()

    def add_a_word_meanwhile(percent: int) -> None:
        nonlocal existing
        if percent > 50 and not existing.exists():  # after the first batch
            CatalogFlashcardFactory(catalog=catalog, flashcard__front="palabra 2000")
            existing = CatalogFlashcard.objects.filter(front_normalized="palabra 2000")

    with pytest.raises(IntegrityError):
        flashcards_import(
            owner=learner,
            parsed=ParsedFile(rows=rows),
            catalog=catalog,
            on_progress=add_a_word_meanwhile,
        )
    assert list(Flashcard.objects.values_list("front", flat=True)) == ["palabra 2000"]
    assert list(catalog.memberships.values_list("front_normalized", flat=True)) == ["palabra 2000"]
    assert list(Catalog.objects.all()) == [catalog]  # the staging catalog is gone too


def test_words_met_batches_apart_are_duplicates_in_a_large_file(learner, languages):
    """A word repeated a thousand rows later, or already in the target catalog, is skipped
    in whichever batch it comes; the new catalog takes the language its cards share."""
    rows = [ParsedRow(n, f"palabra {n}", f"word {n}", language="es") for n in range(1, 2501)]
    rows.append(ParsedRow(2501, "PALABRA 5", "again", language="es"))
    result = flashcards_import(owner=learner, parsed=ParsedFile(rows=rows), new_catalog_name="Big")
    (catalog,) = result.catalogs
    assert (result.created, result.skipped_duplicates) == (2500, 1)
    assert (catalog.name, catalog.language.code, catalog.memberships.count()) == ("Big", "es", 2500)

    target = CatalogFactory(owner=learner, language=Language.objects.get(code="es"))
    CatalogFlashcardFactory(catalog=target, flashcard__front="palabra 1800")
    again = flashcards_import(owner=learner, parsed=ParsedFile(rows=rows[:2000]), catalog=target)
    assert (again.created, again.skipped_duplicates, again.catalogs) == (1999, 1, [target])
    assert target.memberships.count() == 2000


def test_large_imports_do_not_query_per_row(
    learner, languages, django_assert_max_num_queries, monkeypatch
):
    # One write burst whatever the machine's speed: on a loaded machine a batch can outlast
    # a burst, and each burst more is a few statements more, which is not per row.
    monkeypatch.setattr(imports, "WRITE_BURST_SECONDS", 600)
    rows = [ParsedRow(n, f"palabra {n}", f"word {n}", language="es") for n in range(1, 3001)]
    with django_assert_max_num_queries(20):
        result = flashcards_import(
            owner=learner, parsed=ParsedFile(rows=rows), new_catalog_name="Big"
        )
    assert result.created == 3000


def test_a_job_runs_only_once(do_import):
    job = do_import("w.csv", b"a,b,,es\n")
    assert import_job_run(job_id=job.pk).created_count == 1
    assert Flashcard.objects.count() == 1


def test_progress_of_a_pending_job_is_its_own(learner):
    job = ImportJob.objects.create(owner=learner, file_name="x.csv", file_format="csv", progress=30)
    assert import_job_progress(job) == 30


def test_csv_export_round_trips(do_import, learner):
    content = 'front,back,hint,language\nhola,hello,greeting,es\n"a, b","two\nlines",,fr\n'
    job = do_import("orig.csv", content.encode())
    catalog = job.catalogs.get()
    exported = catalog_export_csv(catalog=catalog)
    assert exported.startswith(b"front,back,hint,language\n")
    Flashcard.objects.all().delete()
    Catalog.objects.all().delete()
    again = do_import("orig.csv", exported)
    cards = set(Flashcard.objects.values_list("front", "back", "hint", "language__code"))
    assert again.created_count == 2
    assert cards == {("hola", "hello", "greeting", "es"), ("a, b", "two\nlines", "", "fr")}


def test_apkg_export_round_trips(do_import, learner):
    content = 'front,back,hint\nhola,hello,greeting\n<b>x</b> & y,"two\nlines",\n'
    job = do_import("orig.csv", content.encode(), language="es")
    catalog = job.catalogs.get()
    catalog.name = "Spanish::Basics"
    catalog.save()
    before = set(Flashcard.objects.values_list("front", "back", "hint", "language__code"))
    exported = catalog_export_apkg(catalog=catalog)
    Flashcard.objects.all().delete()
    Catalog.objects.all().delete()
    again = do_import("spanish.apkg", exported, language="es")
    assert again.created_count == 2
    assert again.catalogs.get().name == "Spanish::Basics"
    assert set(Flashcard.objects.values_list("front", "back", "hint", "language__code")) == before


@pytest.mark.parametrize(
    ("export", "file_name"),
    [(catalog_export_csv, "again.csv"), (catalog_export_apkg, "again.apkg")],
)
def test_formatting_survives_an_export_and_its_import(do_import, export, file_name):
    content = (
        "front,back,hint\n"
        '<strong>negrita</strong>,"<i>bold</i>\nH<sub>2</sub>O",<u>hint</u>\n'
        "<ruby>漢字<rt>かんじ</rt></ruby>,Chinese characters<script>alert(1)</script>,\n"
        "vector<int>,AT&T &amp; m<sup>3</sup>,\n"
    )
    job = do_import("orig.csv", content.encode(), language="es")
    cards = set(Flashcard.objects.values_list("front", "back", "hint"))
    assert cards == {
        ("<b>negrita</b>", "<i>bold</i>\nH<sub>2</sub>O", "<u>hint</u>"),
        ("<ruby>漢字<rt>かんじ</rt></ruby>", "Chinese characters", ""),
        ("vector<int>", "AT&T &amp; m<sup>3</sup>", ""),
    }
    exported = export(catalog=job.catalogs.get())
    Flashcard.objects.all().delete()
    Catalog.objects.all().delete()

    again = do_import(file_name, exported, language="es")

    assert again.created_count == 3
    assert set(Flashcard.objects.values_list("front", "back", "hint")) == cards


def test_the_anki_export_writes_formatting_as_html(learner, spanish):
    catalog = CatalogFactory(owner=learner, language=spanish)
    CatalogFlashcardFactory(
        catalog=catalog, flashcard__front="<b>negrita</b>", flashcard__back="a <i>x</i>\nb & c"
    )

    with zipfile.ZipFile(io.BytesIO(catalog_export_apkg(catalog=catalog))) as archive:
        collection = archive.read("collection.anki2")
    with tempfile.NamedTemporaryFile(suffix=".anki2") as file:
        file.write(collection)
        file.flush()
        with closing(sqlite3.connect(file.name)) as anki:
            (fields,) = anki.execute("SELECT flds FROM notes").fetchone()

    assert fields.split("\x1f") == ["<b>negrita</b>", "a <i>x</i><br>b &amp; c", ""]


def test_language_codes_are_found_case_insensitively(do_import):
    job = do_import("w.csv", b"ol\xc3\xa1,hello,,pt_BR\n")
    assert job.created_count == 1


def test_memberships_copy_the_normalised_front(do_import):
    do_import("w.csv", "  Ｃafé  Noir ,coffee,,fr\n".encode())
    membership = CatalogFlashcard.objects.get()
    assert membership.front_normalized == "café noir"
    assert membership.flashcard.front == "Ｃafé  Noir"


def test_a_missing_stored_file_fails_the_job_clearly(learner, languages):
    job = import_job_create(owner=learner, file=upload("w.csv", b"a,b,,es\n"))
    job.file.storage.delete(job.file.name)
    job = import_job_run(job_id=job.pk)
    assert job.status == "failed"
    assert "could not be found" in job.detail
    assert not Flashcard.objects.exists()


def test_progress_of_a_running_job_includes_its_transaction(learner):
    job = ImportJob.objects.create(
        owner=learner, file_name="x.csv", file_format="csv", status="running", progress=50
    )
    import_job_progress_publish(job.pk, 75)
    assert import_job_progress(job) == 75
    job.status = ImportJob.Status.DONE
    job.progress = 100
    assert import_job_progress(job) == 100
    cache.clear()


def test_losing_edit_rights_before_the_job_runs_fails_it(learner, languages):
    catalog = CatalogFactory()
    share = catalog.shares.create(user=learner, role=Role.EDITOR)
    job = import_job_create(owner=learner, file=upload("w.csv", b"a,b,,es\n"), catalog=catalog)
    share.delete()
    job = import_job_run(job_id=job.pk)
    assert job.status == "failed"
    assert "no longer add cards" in job.detail
    assert not catalog.memberships.exists()


def test_a_row_with_a_nul_character_is_rejected_not_a_failed_import(do_import):
    job = do_import("words.csv", b"hola,hello,,es\nga\x00to,cat,,es\n")
    assert job.status == "done"
    assert job.created_count == 1
    assert job.rejected == [
        {"row": 2, "reason": "The front contains an invisible control character (U+0000)."}
    ]


def test_language_codes_are_read_the_same_way_as_in_the_api(do_import):
    job = do_import("words.csv", b"hola,hello,,ES\nchat,cat,,fr_FR\n")
    assert job.created_count == 1
    assert job.rejected == [{"row": 2, "reason": "Unknown language code \u201cfr_FR\u201d."}]


def _queued_job(learner, django_capture_on_commit_callbacks) -> ImportJob:
    """A job whose task has not run yet (its on-commit callback is dropped)."""
    with django_capture_on_commit_callbacks(execute=False):
        return import_job_create(
            owner=learner, file=upload("words.csv", b"hola,hello,,es\n"), language_code="es"
        )


def test_a_job_records_when_it_started(learner, languages, django_capture_on_commit_callbacks):
    job = _queued_job(learner, django_capture_on_commit_callbacks)
    assert job.started_at is None

    job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.DONE
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.started_at <= job.finished_at


def test_a_job_whose_worker_died_is_failed_after_the_timeout(
    learner, languages, django_capture_on_commit_callbacks
):
    dead = _queued_job(learner, django_capture_on_commit_callbacks)
    young = _queued_job(learner, django_capture_on_commit_callbacks)
    now = timezone.now()
    ImportJob.objects.filter(pk=dead.pk).update(
        status=ImportJob.Status.RUNNING, started_at=now - timedelta(hours=2)
    )
    ImportJob.objects.filter(pk=young.pk).update(
        status=ImportJob.Status.RUNNING, started_at=now - timedelta(minutes=5)
    )

    out = io.StringIO()
    call_command("import_jobs_fail_stale", "--minutes", "60", stdout=out)

    dead.refresh_from_db()
    young.refresh_from_db()
    assert "1 stale import job(s)" in out.getvalue()
    assert dead.status == ImportJob.Status.FAILED
    assert "interrupted" in dead.detail
    assert not dead.file
    assert young.status == ImportJob.Status.RUNNING
    assert not Flashcard.objects.exists()


FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "=cmd|' /C calc'!A0",
]


def test_csv_export_neutralises_formulas_and_round_trips_exactly(do_import, learner):
    """Each cell a spreadsheet would run starts with a `'`; the import takes exactly that
    `'` off again, so a front that really starts with `'=` (or `'`) comes back unchanged."""
    es = Language.objects.get(code="es")
    catalog = CatalogFactory(owner=learner, language=es)
    words = [*FORMULAS, "'=already quoted", "''twice", "'tis", "plain"]
    for number, word in enumerate(words):
        CatalogFlashcardFactory(
            catalog=catalog,
            flashcard__owner=learner,
            flashcard__language=es,
            flashcard__front=word,
            flashcard__back=f"-{number} back",
            flashcard__hint="@hint" if number == 0 else "",
        )
    exported = catalog_export_csv(catalog=catalog)

    rows = list(csv.reader(io.StringIO(exported.decode())))[1:]
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert [row[0] for row in rows] == [
        *(f"'{formula}" for formula in FORMULAS),
        "''=already quoted",
        "'''twice",
        "'tis",
        "plain",
    ]
    before = set(Flashcard.objects.values_list("front", "back", "hint"))
    Flashcard.objects.all().delete()
    Catalog.objects.all().delete()

    again = do_import("catalog.csv", exported)

    assert again.created_count == len(words)
    assert set(Flashcard.objects.values_list("front", "back", "hint")) == before


@override_settings(IMPORT_MAX_CARDS=20)
@pytest.mark.parametrize(
    ("name", "content", "detail"),
    [
        (
            "words.csv",
            "".join(f"word {n},meaning {n},,es\n" for n in range(21)).encode(),
            "The file holds more than 20 cards, the most one import may add",
        ),
        (
            "deck.apkg",
            anki_package(21),
            "The package holds 21 notes; one import may add at most 20 cards",
        ),
    ],
)
def test_an_import_over_the_card_limit_fails_clearly_and_writes_nothing(
    do_import, name, content, detail
):
    job = do_import(name, content, language="es")

    assert job.status == "failed"
    assert detail in job.detail
    assert not Flashcard.objects.exists()
    assert not Catalog.objects.exists()


def test_a_zip_bomb_fails_the_job_at_once(do_import):
    started = time.perf_counter()

    job = do_import("bomb.apkg", zip_bomb("collection.anki2", inflates_to=1 << 30), language="es")

    assert time.perf_counter() - started < 5
    assert job.status == "failed"
    assert "unpacks to more than 200 MB, the import limit" in job.detail
    assert not job.file


def test_starting_an_import_sweeps_away_what_a_killed_import_left(do_import, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    leftover = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    (leftover / "collection.sqlite3").write_bytes(b"x" * 1000)
    long_ago = time.time() - 3600
    os.utime(leftover, (long_ago, long_ago))

    job = do_import("words.csv", b"hola,hello,,es\n")

    assert job.status == "done"
    assert not leftover.exists()


def test_the_stale_sweep_deletes_what_a_dead_worker_wrote(learner, languages):
    """A worker killed mid-import leaves its catalogs (a staging one, for an import into
    a catalog) with some cards; failing the job deletes them, never the target's cards."""
    es = Language.objects.get(code="es")
    target = CatalogFactory(owner=learner, language=es, name="Verbs")
    CatalogFlashcardFactory(catalog=target, flashcard__front="tener", flashcard__owner=learner)
    staging = CatalogFactory(owner=learner, language=es, name="Verbs (importing…)")
    for word in ("ser", "estar"):
        CatalogFlashcardFactory(catalog=staging, flashcard__front=word, flashcard__owner=learner)
    job = ImportJob.objects.create(
        owner=learner,
        file_name="verbs.csv",
        file_format="csv",
        target_catalog=target,
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=2),
    )
    job.catalogs.set([staging.pk, target.pk])

    assert import_jobs_fail_stale(older_than=timedelta(hours=1)) == 1

    job.refresh_from_db()
    assert (job.status, job.detail.endswith("Nothing was imported.")) == ("failed", True)
    assert list(Catalog.objects.all()) == [target]
    assert list(Flashcard.objects.values_list("front", flat=True)) == ["tener"]


def test_a_failure_after_some_batches_leaves_no_new_catalog_behind(learner, languages):
    rows = [ParsedRow(n, f"palabra {n}", "x", language="es") for n in range(1, 2500)]

    def fail_at_the_last_batch(percent: int) -> None:
        if Flashcard.objects.count() >= 2000:
            raise RuntimeError("the worker's disk is full")

    with pytest.raises(RuntimeError):
        flashcards_import(
            owner=learner,
            parsed=ParsedFile(rows=rows),
            new_catalog_name="Words",
            on_progress=fail_at_the_last_batch,
        )

    assert not Flashcard.objects.exists()
    assert not Catalog.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_login_and_a_save_during_a_large_import_wait_for_the_lock_and_succeed():
    """On SQLite one writer holds the whole database. The import writes in short
    transactions, so others wait a moment rather than fail with "database is locked"; here
    they may wait 2 s, where the import takes longer than that to write its cards."""
    languages_seed()
    importer = UserFactory()
    other = UserFactory(username="other")
    rows = [ParsedRow(n, f"palabra {n}", f"word {n}", language="es") for n in range(20_000)]
    writing, failures = threading.Event(), []

    def note_the_writing(percent: int) -> None:
        if percent > 50:  # past reading: the first batch is written
            writing.set()

    def import_in_the_background() -> None:
        try:
            flashcards_import(
                owner=importer,
                parsed=ParsedFile(rows=rows),
                new_catalog_name="Big",
                on_progress=note_the_writing,
            )
        except Exception as error:
            failures.append(error)
        finally:
            writing.set()
            connection.close()

    worker = threading.Thread(target=import_in_the_background)
    worker.start()
    try:
        assert writing.wait(timeout=60)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 2000")
        response = Client().post(
            reverse("login"), {"username": "other", "password": DEFAULT_PASSWORD}
        )
        catalog = catalog_create(owner=other, name="Written meanwhile")
    finally:
        worker.join()

    assert response.status_code == 302
    assert Catalog.objects.filter(pk=catalog.pk).exists()
    assert failures == []
    assert Flashcard.objects.filter(owner=importer).count() == 20_000


def test_a_preview_into_a_catalog_without_language_is_one_deck_named_after_it(
    learner, languages, django_capture_on_commit_callbacks
):
    catalog = CatalogFactory(owner=learner, name="Mots", language=None)
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(
            owner=learner,
            file=upload("m.csv", b"bonjour,hello\nmerci beaucoup,thanks\nla maison,house\n"),
            catalog=catalog,
            preview=True,
        )
    job.refresh_from_db()
    assert [(deck["name"], deck["cards"], deck["language"]) for deck in job.decks] == [
        ("Mots", 3, "fr")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job, languages={})
    assert set(catalog.flashcards.values_list("language__code", flat=True)) == {"fr"}
