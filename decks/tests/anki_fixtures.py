"""Anki packages for tests: real exports in the three package layouts, and generated ones
(genanki, zip bombs).

The real ones live in the repository (`decks/tests/fixtures/anki/`, described by its
MANIFEST.json and README.md) so that a fresh clone passes its own tests with nothing beside it.
"""

import contextlib
import io
import json
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import genanki

ANKI_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "anki"
APKG_FILES = ["legacy-anki2.apkg", "anki21.apkg", "anki21b.apkg"]


@cache
def manifest() -> dict[str, dict[str, Any]]:
    data = json.loads((ANKI_FIXTURES / "MANIFEST.json").read_text())
    return {entry["file"]: entry for entry in data["files"]}


def expected_counts(file: str) -> dict[str, Any]:
    """What importing `file` must give, derived from its MANIFEST entry.

    Every non-cloze note becomes one card, reversed ones included; cloze notes are rejected;
    the second `tomar` of its deck is a duplicate; empty decks (Default) make no catalog.
    """
    entry = manifest()[file]
    cloze = len(entry["cloze_notes"])
    duplicates = len(entry["duplicate_front"]["notes"]) - 1
    per_deck = dict(entry["notes_per_deck"])
    for note in entry["cloze_notes"]:
        per_deck[note["deck"]] -= 1
    per_deck[entry["duplicate_front"]["deck"]] -= duplicates
    return {
        "created": entry["notes_total"] - cloze - duplicates,
        "skipped_duplicates": duplicates,
        "rejected": cloze,
        "cards_per_catalog": {deck: count for deck, count in per_deck.items() if count},
    }


def anki_package(notes: int, *, deck: str = "Generated", cards_indexed: bool = True) -> bytes:
    """An .apkg (genanki, schema 11) of `notes` Basic notes `word N` → `meaning N`.

    genanki writes the package with one note, copied in SQL to the number wanted (genanki
    takes a millisecond a note). Without `cards_indexed` the collection lacks Anki's index
    on `cards.nid`, as the collections of some other tools do.
    """
    package = genanki.Deck(1_900_000_000, deck)
    package.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["word 0", "meaning 0"]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.apkg"
        genanki.Package(package).write_to_file(str(path))
        with zipfile.ZipFile(path) as archive:
            entries = {name: archive.read(name) for name in archive.namelist()}
        collection = Path(folder) / "collection.anki2"
        collection.write_bytes(entries["collection.anki2"])
        with contextlib.closing(sqlite3.connect(collection)) as connection:
            _notes_copy(connection, notes)
            if not cards_indexed:
                connection.execute("DROP INDEX ix_cards_nid")
            connection.commit()
            connection.execute("VACUUM")
        entries["collection.anki2"] = collection.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _notes_copy(connection: sqlite3.Connection, notes: int) -> None:
    """Grow the collection's one note (and its card) to `notes` notes."""
    note = list(connection.execute("SELECT * FROM notes").fetchone())
    card = list(connection.execute("SELECT * FROM cards").fetchone())
    note_columns = [row[1] for row in connection.execute("PRAGMA table_info(notes)")]
    card_columns = [row[1] for row in connection.execute("PRAGMA table_info(cards)")]
    new_notes, new_cards = [], []
    for number in range(1, notes):
        values = dict(zip(note_columns, note, strict=True))
        values |= {"id": values["id"] + number, "guid": f"g{number}"}
        values["flds"] = f"word {number}\x1fmeaning {number}"
        values["sfld"] = f"word {number}"
        new_notes.append(tuple(values.values()))
        card_values = dict(zip(card_columns, card, strict=True))
        card_values |= {"id": card_values["id"] + number, "nid": values["id"]}
        new_cards.append(tuple(card_values.values()))
    marks = ", ".join("?" * len(note_columns))
    connection.executemany(f"INSERT INTO notes VALUES ({marks})", new_notes)  # noqa: S608
    marks = ", ".join("?" * len(card_columns))
    connection.executemany(f"INSERT INTO cards VALUES ({marks})", new_cards)  # noqa: S608


def zip_bomb(member: str, *, inflates_to: int, declared_size: int | None = None) -> bytes:
    """A zip holding one deflated member of `inflates_to` zero bytes, about 1/1000 of that
    in size (1 GiB → 1 MB). Built from one compressed MiB repeated, which a full flush makes
    possible, so that making it takes no longer than checking it. `declared_size` is the
    size its headers claim, when they should lie."""
    mib = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    data = piece * (inflates_to // len(mib)) + compressor.flush()
    crc = 0
    for _ in range(inflates_to // len(mib)):
        crc = zlib.crc32(mib, crc)
    size = inflates_to if declared_size is None else declared_size
    name = member.encode()
    sizes = (crc, len(data), size, len(name))
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, *sizes, 0)
    central = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, *sizes, 0, 0, 0, 0, 0, 0
    )
    central += name
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(name) + len(data), 0
    )
    return local + name + data + central + end
