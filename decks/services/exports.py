"""Exporting a catalog as CSV (the import's own columns) or as an Anki package.

Both formats read back through the importer into the same cards, which the tests check.
"""

import contextlib
import csv
import hashlib
import io
import itertools
import sqlite3
import time
import zipfile

import genanki
import genanki.util
from django.db.models import QuerySet
from django.utils.text import slugify

from decks.importers.delimited import COLUMNS, cell_for_spreadsheet
from decks.importers.scratch import scratch_folder
from decks.markup import card_html
from decks.models import Catalog, Flashcard

EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "apkg": "application/octet-stream"}
# Anki identifies note types and decks by number; fixed ones keep re-exports updating the
# same deck in Anki instead of adding a new one each time.
ANKI_MODEL_ID = 1_726_300_001
ANKI_DECK_ID_BASE = 1_726_400_000_000
ANKI_MODEL = genanki.Model(
    ANKI_MODEL_ID,
    "Cerego Basic",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Hint"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}{{#Hint}}<br><small>{{Hint}}</small>{{/Hint}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
        }
    ],
)


def export_file_name(catalog: Catalog, file_format: str) -> str:
    return f"{slugify(catalog.name) or 'catalog'}.{file_format}"


def _cards(catalog: Catalog) -> QuerySet[Flashcard]:
    return (
        Flashcard.objects.filter(memberships__catalog=catalog)
        .select_related("language")
        .order_by("memberships__added_at", "memberships__id")
    )


def catalog_export_csv(*, catalog: Catalog) -> bytes:
    """UTF-8 CSV with the header front,back,hint,language: what the importer reads.

    Cells a spreadsheet would run as formulas (`=HYPERLINK(…)`) start with a `'`, which
    the importer takes off again.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for card in _cards(catalog).iterator(chunk_size=2000):
        cells = (card.front, card.back, card.hint, card.language.code)
        writer.writerow([cell_for_spreadsheet(cell) for cell in cells])
    return out.getvalue().encode()


def catalog_export_apkg(*, catalog: Catalog) -> bytes:
    """An Anki package with one deck named after the catalog; cards carry no languages.

    genanki writes the collection's schema, deck and note type; the notes and their cards
    go in with one `executemany` each, the rows genanki's `Note.write_to_db` writes one
    statement at a time (most of an export's time when it did). The zip is deflated at
    level 1: a third of the stored collection's size, in a twentieth of level 9's time.
    """
    deck = genanki.Deck(ANKI_DECK_ID_BASE + catalog.pk, catalog.name)
    deck.add_model(ANKI_MODEL)
    timestamp = time.time()
    ids = itertools.count(int(timestamp * 1000))  # genanki's: notes and cards share them
    cards = (
        Flashcard.objects.filter(memberships__catalog=catalog)
        .order_by("memberships__added_at", "memberships__id")
        .values_list("pk", "front", "back", "hint")
    )
    with scratch_folder() as folder:
        path = folder / "collection.anki2"
        with contextlib.closing(sqlite3.connect(path)) as collection:
            # A scratch file read once, right after: no journal, no waiting for the disk.
            collection.execute("PRAGMA journal_mode = OFF")
            collection.execute("PRAGMA synchronous = OFF")
            cursor = collection.cursor()
            genanki.Package(deck).write_to_db(cursor, timestamp, ids)
            notes: list[tuple[object, ...]] = []
            anki_cards: list[tuple[object, ...]] = []
            for pk, front, back, hint in cards.iterator(chunk_size=2000):
                note_id, card_id = next(ids), next(ids)
                fields = (card_html(front), card_html(back), card_html(hint))
                guid = _guid(pk)
                notes.append(_anki_note(note_id, guid, int(timestamp), fields))
                anki_cards.append(_anki_card(card_id, note_id, deck.deck_id, int(timestamp)))
            cursor.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)", notes)
            cursor.executemany(
                "INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", anki_cards
            )
            collection.commit()
        out = folder / "export.apkg"
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as apkg:
            apkg.write(path, "collection.anki2")
            apkg.writestr("media", "{}")
        return out.read_bytes()


_BASE91 = "".join(genanki.util.BASE91_TABLE)


def _guid(card_id: int) -> str:
    """`genanki.guid_for("cerego", card_id)` (a re-export updates the same notes in Anki),
    without its loop over bytes: it was a third of an export's Python time."""
    number = int.from_bytes(hashlib.sha256(f"cerego__{card_id}".encode()).digest()[:8])
    digits = []
    while number:
        number, digit = divmod(number, len(_BASE91))
        digits.append(_BASE91[digit])
    return "".join(reversed(digits))


def _anki_note(note_id: int, guid: str, mod: int, fields: tuple[str, ...]) -> tuple[object, ...]:
    # id, guid, mid, mod, usn, tags, flds, sfld (the sort field, Front), csum, flags, data
    return (note_id, guid, ANKI_MODEL_ID, mod, -1, "  ", "\x1f".join(fields), fields[0], 0, 0, "")


def _anki_card(card_id: int, note_id: int, deck_id: int, mod: int) -> tuple[object, ...]:
    # id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left,
    # odue, odid, flags, data: a new card of the note's one template
    return (card_id, note_id, deck_id, 0, mod, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "")
