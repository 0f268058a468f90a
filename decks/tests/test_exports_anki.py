"""The Anki export writes the collection genanki's own per-note writing wrote, and Anki's
library (where the bench group installs it) imports it."""

import contextlib
import io
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import genanki
import pytest

from decks.markup import card_html
from decks.services.exports import ANKI_DECK_ID_BASE, ANKI_MODEL, catalog_export_apkg
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, LanguageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    catalog = CatalogFactory(name="Verbos", language=LanguageFactory(code="es"))
    for front, back, hint in [
        ("comer", "to eat", ""),
        ("<b>beber</b>", "to drink\nsecond line", "a <i>hint</i>"),
        ("a < b & c", "x", "h"),
    ]:
        CatalogFlashcardFactory(
            catalog=catalog, flashcard__front=front, flashcard__back=back, flashcard__hint=hint
        )
    return catalog


def _collection_rows(package: bytes) -> dict[str, list[tuple]]:
    """The notes and cards of a package, ids, times and the order of ids left out."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "collection.anki2"
        path.write_bytes(zipfile.ZipFile(io.BytesIO(package)).read("collection.anki2"))
        with contextlib.closing(sqlite3.connect(path)) as connection:
            notes = connection.execute(
                "SELECT guid, mid, usn, tags, flds, sfld, csum, flags, data FROM notes ORDER BY id"
            ).fetchall()
            cards = connection.execute(
                "SELECT did, ord, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, "
                "odid, flags, data, (SELECT count(*) FROM notes WHERE notes.id = nid) "
                "FROM cards ORDER BY id"
            ).fetchall()
            decks, models = connection.execute("SELECT decks, models FROM col").fetchone()
    return {"notes": notes, "cards": cards, "col": [(len(decks), len(models))]}


def _genanki_package(catalog) -> bytes:
    """The export as genanki wrote it note by note, before."""
    deck = genanki.Deck(ANKI_DECK_ID_BASE + catalog.pk, catalog.name)
    for card in catalog.flashcards.order_by("memberships__added_at", "memberships__id"):
        deck.add_note(
            genanki.Note(
                model=ANKI_MODEL,
                fields=[card_html(card.front), card_html(card.back), card_html(card.hint)],
                guid=genanki.guid_for("cerego", card.pk),
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        genanki.Package(deck).write_to_file(str(Path(folder) / "x.apkg"))
        return (Path(folder) / "x.apkg").read_bytes()


def test_the_export_writes_the_rows_genanki_wrote(catalog):
    ours = catalog_export_apkg(catalog=catalog)

    assert _collection_rows(ours) == _collection_rows(_genanki_package(catalog))
    assert zipfile.ZipFile(io.BytesIO(ours)).getinfo("collection.anki2").compress_type == (
        zipfile.ZIP_DEFLATED
    )


def test_anki_itself_imports_the_export(catalog, tmp_path):
    from anki.collection import Collection, ImportAnkiPackageRequest

    package = tmp_path / "verbos.apkg"
    package.write_bytes(catalog_export_apkg(catalog=catalog))
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(package)))
        fronts = sorted(
            collection.get_note(note_id)["Front"] for note_id in collection.find_notes("")
        )
        assert fronts == ["<b>beber</b>", "a &lt; b &amp; c", "comer"]
        assert "Verbos" in {deck.name for deck in collection.decks.all_names_and_ids()}
    finally:
        collection.close()


def test_note_guids_are_the_ones_genanki_gives_so_a_re_export_updates_the_same_notes():
    from decks.services.exports import _guid

    for card_id in [1, 2, 90, 91, 12_345, 10**9, *range(1000, 1300)]:
        assert _guid(card_id) == genanki.guid_for("cerego", card_id)
