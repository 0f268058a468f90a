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
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import genanki
import zstandard

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
    Every review of a note's first card is imported (none of the reviewed notes is a cloze
    or a duplicate), the rest of the revlog skipped.
    """
    entry = manifest()[file]
    cloze = len(entry["cloze_notes"])
    duplicates = len(entry["duplicate_front"]["notes"]) - 1
    per_deck = dict(entry["notes_per_deck"])
    for note in entry["cloze_notes"]:
        per_deck[note["deck"]] -= 1
    per_deck[entry["duplicate_front"]["deck"]] -= duplicates
    # A reversed note is one card here: only the reviews of its first card are kept.
    first_card_reviews = sum(
        len(card["eases"])
        for card in entry["scheduling"].get("reviewed_cards", [])
        if card["card_ord"] == 0
    )
    return {
        "created": entry["notes_total"] - cloze - duplicates,
        "skipped_duplicates": duplicates,
        "rejected": cloze,
        "cards_per_catalog": {deck: count for deck, count in per_deck.items() if count},
        "reviews_imported": first_card_reviews,
        "reviews_skipped": entry["revlog_rows"] - first_card_reviews,
    }


@contextlib.contextmanager
def fixture_collection(file: str) -> Iterator[sqlite3.Connection]:
    """The collection inside a fixture package, opened read-only (zstd undone for layout 3)."""
    entry = manifest()[file]["collection_entry"]
    with zipfile.ZipFile(ANKI_FIXTURES / file) as archive, tempfile.TemporaryDirectory() as folder:
        data = archive.read(entry)
        if entry.endswith(".anki21b"):
            data = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()
        path = Path(folder) / "collection.sqlite3"
        path.write_bytes(data)
        connection = sqlite3.connect(path)
        connection.create_collation("unicase", lambda a, b: (a > b) - (a < b))
        try:
            yield connection
        finally:
            connection.close()


def fixture_histories(file: str) -> dict[str, list[tuple[int, int, int]]]:
    """{note front: [(revlog id, ease, time), …]} of each note's first card, in time order."""
    with fixture_collection(file) as connection:
        rows = connection.execute(
            "SELECT n.flds, r.id, r.ease, r.time FROM revlog r JOIN cards c ON c.id = r.cid "
            "JOIN notes n ON n.id = c.nid WHERE c.ord = 0 ORDER BY r.id"
        ).fetchall()
    histories: dict[str, list[tuple[int, int, int]]] = {}
    for fields, revlog_id, ease, duration in rows:
        histories.setdefault(fields.split("\x1f")[0], []).append((revlog_id, ease, duration))
    return histories


RevlogRow = tuple[Any, int | None, Any, Any, Any, Any]  # id, card, ease, time, type, factor
CARD_NOT_IN_PACKAGE = 42
GENERATED_HISTORY_START_MS = 1_700_000_000_000  # 2023-11-14
GENERATED_RATINGS = (3, 3, 1, 3, 2, 3, 4, 3, 3, 1, 3, 3)


def anki_package(
    notes: int,
    *,
    deck: str = "Generated",
    cards_indexed: bool = True,
    reviews_per_note: int = 0,
    revlog: Sequence[RevlogRow] = (),
    scheduler_version: int = 2,
) -> bytes:
    """An .apkg (genanki, schema 11) of `notes` Basic notes `word N` → `meaning N`.

    genanki writes the package with one note, copied in SQL to the number wanted (genanki
    takes a millisecond a note). Without `cards_indexed` the collection lacks Anki's index
    on `cards.nid`, as the collections of some other tools do.

    With `reviews_per_note`, each card gets that many reviews (`generated_review`), as the
    revlog of a learner on Anki's v2/v3 scheduler (`scheduler_version`); `revlog` adds rows
    as they are given (to damage the history): (id, cid, ease, time, type, factor).
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
            _revlog_write(connection, reviews_per_note, revlog, scheduler_version)
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
    connection.executemany(f"INSERT INTO notes VALUES ({marks})", new_notes)  # noqa: S608 - only "?" placeholders
    marks = ", ".join("?" * len(card_columns))
    connection.executemany(f"INSERT INTO cards VALUES ({marks})", new_cards)  # noqa: S608 - only "?" placeholders


def generated_review(card_number: int, review: int) -> tuple[int, int, int, int]:
    """The `review`-th review of the `card_number`-th card of a generated package:
    (revlog id, ease, time, type). About four days apart; the first is a learning step."""
    revlog_id = GENERATED_HISTORY_START_MS + review * 4 * 86_400_000 + card_number * 1_000
    ease = GENERATED_RATINGS[(card_number + review) % len(GENERATED_RATINGS)]
    return revlog_id, ease, 2_000 + 100 * review, 0 if review == 0 else 1


def card_ids(connection: sqlite3.Connection) -> list[int]:
    return [card_id for (card_id,) in connection.execute("SELECT id FROM cards ORDER BY nid")]


def _revlog_write(
    connection: sqlite3.Connection,
    reviews_per_note: int,
    revlog: Sequence[RevlogRow],
    scheduler_version: int,
) -> None:
    cards = card_ids(connection)
    rows = [
        (revlog_id, card_id, ease, duration, kind, 2500)
        for number, card_id in enumerate(cards)
        for revlog_id, ease, duration, kind in (
            generated_review(number, review) for review in range(reviews_per_note)
        )
    ]
    rows += [
        (revlog_id, CARD_NOT_IN_PACKAGE if card is None else cards[card], *rest)
        for revlog_id, card, *rest in revlog
    ]
    connection.executemany(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
        "VALUES (?, ?, -1, ?, 1, 1, ?, ?, ?)",
        [(r[0], r[1], r[2], r[5], r[3], r[4]) for r in rows],
    )
    (conf,) = connection.execute("SELECT conf FROM col").fetchone()
    connection.execute(
        "UPDATE col SET conf = ?", (json.dumps(json.loads(conf) | {"schedVer": scheduler_version}),)
    )


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
