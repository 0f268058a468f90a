"""Exporting a catalog as CSV (the import's own columns) or as an Anki package.

Both formats read back through the importer into the same cards, which the tests check.
"""

import csv
import io

import genanki
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
    """An Anki package with one deck named after the catalog; cards carry no languages."""
    deck = genanki.Deck(ANKI_DECK_ID_BASE + catalog.pk, catalog.name)
    for card in _cards(catalog).iterator(chunk_size=2000):
        deck.add_note(
            genanki.Note(
                model=ANKI_MODEL,
                fields=[card_html(card.front), card_html(card.back), card_html(card.hint)],
                guid=genanki.guid_for("cerego", card.pk),
            )
        )
    with scratch_folder() as folder:
        path = folder / "export.apkg"
        genanki.Package(deck).write_to_file(str(path))
        return path.read_bytes()
