"""Anki packages (.apkg) in the three layouts Anki writes.

1. `collection.anki2` (SQLite, schema 11), no `meta` entry — old Anki and genanki.
2. `meta` (version 2) + `collection.anki21` (schema 11) + a placeholder `collection.anki2`.
3. `meta` (version 3) + `collection.anki21b` (zstd-compressed SQLite, schema 18) + the
   placeholder. Schema 18 keeps note types and decks in tables, deck names joined by U+001F,
   and declares a `unicase` collation that we have to provide to query those tables.

The placeholder `collection.anki2` only holds a "please update Anki" note, so the newest
collection is always read, chosen by `meta` when there is one. Each note gives one card
(a reversed note type is one word; reversing is a quiz type here); decks become catalogs
named like Anki shows them, `Parent::Child`; cloze notes are refused with a reason.

The review history (`revlog`, layouts 2 and 3; genanki writes none) is read with the notes:
each imported note brings the graded reviews of the card it is imported from, the one
that gives it its deck (see `_history_read` for what is kept and what only counted).
"""

import errno
import json
import sqlite3
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import zstandard
from django.utils.translation import ngettext

from decks.importers import (
    DEFAULT_LIMITS,
    ImportFileError,
    ImportLimits,
    ParsedFile,
    ParsedRow,
    ProgressCallback,
    Rejection,
    RevlogReview,
)
from decks.importers.scratch import scratch_folder
from decks.markup import has_media, plain_text, sanitise

COLLECTION_BY_META_VERSION = {
    1: "collection.anki2",
    2: "collection.anki21",
    3: "collection.anki21b",
}
# Without `meta`, the newest entry present wins.
COLLECTION_PRIORITY = ("collection.anki21b", "collection.anki21", "collection.anki2")
MB = 1024 * 1024
UNPACK_CHUNK_BYTES = MB
FIELD_SEPARATOR = "\x1f"
PROGRESS_EVERY_NOTES = 500
PREVIEW_LENGTH = 40

# Anki's revlog `type` (RevlogReviewKind in Anki's rslib/src/revlog/mod.rs).
REVLOG_LEARNING, REVLOG_REVIEW, REVLOG_RELEARNING, REVLOG_FILTERED, REVLOG_MANUAL = range(5)
GRADED_KINDS = frozenset(range(REVLOG_MANUAL))  # manual (4) and rescheduled (5) never are
# Revlog ids are answer times in epoch ms: one before Anki existed, or more than a day in
# the future, is a damaged row (or a clock gone wrong) that would mislead the scheduler.
REVLOG_FIRST_MS = 946_684_800_000  # 2000-01-01
DAY_MS = 86_400_000
DURATION_MAX_MS = 2**31 - 1


@dataclass(frozen=True, slots=True)
class NoteType:
    name: str
    is_cloze: bool
    fields: tuple[str, ...]

    def field_index(self, name: str) -> int | None:
        return _field_indexes(self.fields).get(name)


@lru_cache(maxsize=1024)  # bounded: a worker reads many packages
def _field_indexes(fields: tuple[str, ...]) -> dict[str, int]:
    """Each field's first position by its case-folded name: asked three times a note."""
    indexes: dict[str, int] = {}
    for position, name in enumerate(fields):
        indexes.setdefault(name.casefold(), position)
    return indexes


def parse_apkg(
    file: IO[bytes],
    *,
    on_progress: ProgressCallback | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ParsedFile:
    """The notes of a package, refused before they are read when there are more than
    `limits.cards`, and unpacked only while within `limits.unpacked_bytes`."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportFileError(
            "This is not an Anki package: an .apkg file is a zip archive, and this file is not one."
        ) from error
    with archive, scratch_folder() as folder:
        entry = _collection_entry(archive)
        path = folder / "collection.sqlite3"
        _extract(archive, entry, path, max_bytes=limits.unpacked_bytes)
        connection = _open_collection(path)
        try:
            return _read_collection(
                connection, on_progress, max_cards=limits.cards, max_reviews=limits.reviews
            )
        except (sqlite3.DatabaseError, json.JSONDecodeError, KeyError, TypeError) as error:
            raise ImportFileError(
                f"The Anki collection inside this package is damaged and cannot be read ({error})."
            ) from error
        finally:
            connection.close()


def _collection_entry(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "meta" in names:
        version = _varint_field(_read_member(archive, "meta", max_bytes=1024), 1)
        entry = COLLECTION_BY_META_VERSION.get(version or 0)
        if entry is None:
            raise ImportFileError(
                f"This package was written by a newer Anki (package version {version}); "
                "export it again with “Support older Anki versions” ticked."
            )
        if entry in names:
            return entry
    else:
        entry = next((name for name in COLLECTION_PRIORITY if name in names), None)
        if entry:
            return entry
    raise ImportFileError(
        "This zip file holds no Anki collection: export the deck from Anki as an .apkg package."
    )


def _read_member(archive: zipfile.ZipFile, name: str, *, max_bytes: int) -> bytes:
    try:
        with archive.open(name) as member:
            data = member.read(max_bytes + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise ImportFileError(f"The package is damaged: cannot read its “{name}” entry.") from error
    if len(data) > max_bytes:
        raise ImportFileError(f"The package's “{name}” entry is larger than expected.")
    return data


def _extract(archive: zipfile.ZipFile, entry: str, target: Path, *, max_bytes: int) -> None:
    """Unpack the collection to a file, decompressing zstd for layout 3, within max_bytes.

    The size the zip declares is checked first (an honest zip bomb stops there); what is
    inflated is counted chunk by chunk and never written past the limit (a zstd bomb, or
    a zip whose header lies, stops at it).
    """
    too_big = ImportFileError(
        f"The Anki collection in this package unpacks to more than {max_bytes / MB:.3g} MB, "
        "the import limit: split the deck into smaller packages."
    )
    if archive.getinfo(entry).file_size > max_bytes:
        raise too_big
    try:
        with archive.open(entry) as member, target.open("wb") as out:
            source: IO[bytes] = member
            if entry.endswith(".anki21b"):
                source = zstandard.ZstdDecompressor().stream_reader(member)
            copied = 0
            while chunk := source.read(UNPACK_CHUNK_BYTES):
                copied += len(chunk)
                if copied > max_bytes:
                    raise too_big
                _write(out, chunk)
    except (zipfile.BadZipFile, zlib.error, zstandard.ZstdError, OSError, EOFError) as error:
        raise ImportFileError(
            f"The package is damaged: its collection “{entry}” cannot be unpacked."
        ) from error


def _write(out: IO[bytes], chunk: bytes) -> None:
    try:
        out.write(chunk)
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
        raise ImportFileError(
            "The server has no disk space left to unpack this package; try again later."
        ) from error


def _unicase(left: str, right: str) -> int:
    """Anki's schema 18 collation: compare case-insensitively."""
    a, b = left.casefold(), right.casefold()
    return (a > b) - (a < b)


def _open_collection(path: Path) -> sqlite3.Connection:
    # immutable=1: read only, no locks, no journal next to a temporary file.
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    connection.create_collation("unicase", _unicase)
    return connection


def _read_collection(
    connection: sqlite3.Connection,
    on_progress: ProgressCallback | None,
    *,
    max_cards: int,
    max_reviews: int,
) -> ParsedFile:
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    if not {"notes", "cards", "col"} <= tables:
        raise ImportFileError("The package's collection is not an Anki database (tables missing).")
    if "notetypes" in tables:
        note_types, decks = _schema18_note_types(connection), _schema18_decks(connection)
    else:
        note_types, decks = _schema11_note_types_and_decks(connection)
    (total,) = connection.execute("SELECT count(*) FROM notes").fetchone()
    if total > max_cards:  # each note gives one card
        raise ImportFileError(
            f"The package holds {total:,} notes; one import may add at most {max_cards:,} "
            "cards: split the deck into smaller packages."
        )
    parsed = ParsedFile()
    media_notes = 0
    rows_by_card: dict[int, int] = {}  # the Anki card each imported note comes from
    for number, (fields_text, type_id, first_card) in enumerate(_notes(connection), start=1):
        deck = decks.get(first_card[1], "") if first_card else ""
        note_type = note_types.get(type_id)
        fields = fields_text.split(FIELD_SEPARATOR)
        media_notes += any(has_media(field) for field in fields)
        result = _note_to_row(number, fields, note_type, deck)
        if isinstance(result, Rejection):
            parsed.rejected.append(result)
        else:
            parsed.rows.append(result)
            if first_card:
                rows_by_card[first_card[0]] = number
            if deck not in parsed.decks:
                parsed.decks.append(deck)
        if on_progress and number % PROGRESS_EVERY_NOTES == 0:
            on_progress(number / total)
    if "revlog" in tables:
        _history_read(connection, parsed, rows_by_card, tables, max_reviews=max_reviews)
    if media_notes:
        parsed.notes.append(
            ngettext(
                "%(count)d note showed images or sounds: media files are not imported, "
                "only the text of each field.",
                "%(count)d notes showed images or sounds: media files are not imported, "
                "only the text of each field.",
                media_notes,
            )
            % {"count": media_notes}
        )
    return parsed


def _notes(
    connection: sqlite3.Connection,
) -> Iterator[tuple[str, int, tuple[int, int] | None]]:
    """Each note with its first card's id and deck (the home deck when it sits in a filtered
    one); None for a note without cards.

    Each table is read once: a lookup of the cards per note would scan the whole `cards`
    table for every note in a collection without an index on `cards.nid` (Anki's own have
    one, other tools' may not), which is quadratic: 40,000 notes took 53 s.
    """
    first_cards: dict[int, tuple[int, int, int]] = {}
    for note_id, order, card_id, deck_id in connection.execute(
        "SELECT nid, ord, id, CASE WHEN odid != 0 THEN odid ELSE did END FROM cards"
    ):
        known = first_cards.get(note_id)
        if known is None or order < known[0]:
            first_cards[note_id] = (order, card_id, deck_id)
    for fields, type_id, note_id in connection.execute(
        "SELECT flds, mid, id FROM notes ORDER BY id"
    ):
        first = first_cards.get(note_id)
        yield fields, type_id, first[1:] if first else None


def _history_read(
    connection: sqlite3.Connection,
    parsed: ParsedFile,
    rows_by_card: dict[int, int],
    tables: set[str],
    *,
    max_reviews: int,
) -> None:
    """Add the review history of the imported notes to `parsed`, counting what is skipped.

    Kept, as FSRS in Anki keeps them: answers with a grade (ease 1-4) of learning, review,
    relearning and filtered-deck reviews. Skipped and counted: manual reschedules and set due
    dates (type 4, ease 0), rescheduling entries (type 5), cramming without rescheduling
    (type 3, factor 0), damaged rows, reviews of cards that are not in the package or whose
    note is not imported, reviews of a note's other cards (a reversed note is one card
    here), and whatever came before a card's last reset to new (type 4, factor 0: Anki
    starts its memory again there). A history that cannot be read at all is skipped whole;
    the cards still import.
    """
    total = kept = 0
    try:
        (total,) = connection.execute("SELECT count(*) FROM revlog").fetchone()
        v1_buttons = _scheduler_version(connection, tables) == 1
        kept = _history_collect(
            connection.execute(
                "SELECT id, cid, ease, type, time, factor FROM revlog ORDER BY cid, id"
            ),
            parsed.reviews,
            rows_by_card,
            v1_buttons=v1_buttons,
            max_reviews=max_reviews,
            now_ms=int(time.time() * 1000),
        )
    except (sqlite3.DatabaseError, json.JSONDecodeError, AttributeError, TypeError, ValueError):
        parsed.reviews.clear()
        kept = 0
        parsed.notes.append(
            "The review history in this package is damaged and was not imported; the cards were."
        )
    parsed.reviews_skipped = total - kept
    if kept >= max_reviews and total > kept:
        parsed.notes.append(
            f"Only the first {max_reviews:,} reviews of the history are imported per package."
        )


def _history_collect(
    entries: Iterable[tuple[Any, ...]],
    reviews: dict[int, list[RevlogReview]],
    rows_by_card: dict[int, int],
    *,
    v1_buttons: bool,
    max_reviews: int,
    now_ms: int,
) -> int:
    """Put the usable entries (ordered by card, then time) into `reviews`; returns how many."""
    kept = 0
    for revlog_id, card_id, ease, kind, duration, factor in entries:
        row = rows_by_card.get(card_id)
        if row is None:
            continue
        if kind == REVLOG_MANUAL and factor == 0:  # reset to new: memory starts again
            kept -= len(reviews.pop(row, ()))
            continue
        rating = _rating(revlog_id, ease, kind, factor, v1_buttons=v1_buttons, now_ms=now_ms)
        if rating is None or kept >= max_reviews:
            continue
        valid_duration = type(duration) is int and 0 <= duration <= DURATION_MAX_MS
        reviews.setdefault(row, []).append(
            RevlogReview(revlog_id, rating, duration if valid_duration else None)
        )
        kept += 1
    return kept


def _rating(
    revlog_id: object, ease: object, kind: object, factor: object, *, v1_buttons: bool, now_ms: int
) -> int | None:
    """The FSRS rating of a revlog entry, or None when it has none or is damaged."""
    if type(revlog_id) is not int or not REVLOG_FIRST_MS <= revlog_id <= now_ms + DAY_MS:
        return None
    if type(ease) is not int or not 1 <= ease <= 4 or kind not in GRADED_KINDS:
        return None
    if kind == REVLOG_FILTERED and factor == 0:  # cramming: changed nothing in Anki either
        return None
    if v1_buttons and kind in (REVLOG_LEARNING, REVLOG_RELEARNING) and ease in (2, 3):
        # Anki's v1 scheduler showed 3 buttons while learning: 2 was Good and 3 Easy.
        # Anki's own upgrade to v2 shifts them the same way.
        return ease + 1
    return ease


def _scheduler_version(connection: sqlite3.Connection, tables: set[str]) -> int:
    """`schedVer` from the collection's config (schema 18) or `col.conf` (schema 11);
    Anki reads a missing one as 1."""
    if "config" in tables:
        row = connection.execute("SELECT val FROM config WHERE key = 'schedVer'").fetchone()
        value = json.loads(row[0]) if row else 1
    else:
        (conf,) = connection.execute("SELECT conf FROM col").fetchone()
        value = json.loads(conf or "{}").get("schedVer", 1)
    return value if type(value) is int else 1


def _preview(text: str) -> str:
    text = plain_text(sanitise(text, single_line=True))
    return text if len(text) <= PREVIEW_LENGTH else text[: PREVIEW_LENGTH - 1] + "…"


def _note_to_row(
    number: int, fields: list[str], note_type: NoteType | None, deck: str
) -> ParsedRow | Rejection:
    def where() -> str:  # only for a rejection: the preview cleans the field once more
        return f"Note “{_preview(fields[0])}”" + (f" in deck {deck}" if deck else "")

    if note_type is None:
        return Rejection(number, f"{where()}: its note type is missing from the package.")
    if note_type.is_cloze:
        return Rejection(
            number, f"{where()}: cloze notes ({note_type.name}) are not supported; skipped."
        )
    if len(fields) < 2:
        return Rejection(number, f"{where()}: note type {note_type.name} has no back field.")
    front_at = note_type.field_index("front")
    front_at = 0 if front_at is None or front_at >= len(fields) else front_at
    back_at = note_type.field_index("back")
    back_at = (1 if front_at == 0 else 0) if back_at is None or back_at >= len(fields) else back_at
    hint_at = note_type.field_index("hint")
    front, back = fields[front_at], fields[back_at]
    for side, value in (("front", front), ("back", back)):
        if has_media(value) and not plain_text(sanitise(value)).strip():
            return Rejection(
                number,
                f"{where()}: its {side} is only an image or sound, and media is not imported.",
            )
    return ParsedRow(
        row=number,
        front=sanitise(front, single_line=True),
        back=sanitise(back),
        hint=sanitise(fields[hint_at]) if hint_at is not None and hint_at < len(fields) else "",
        deck=deck,
    )


def _schema11_note_types_and_decks(
    connection: sqlite3.Connection,
) -> tuple[dict[int, NoteType], dict[int, str]]:
    models_json, decks_json = connection.execute("SELECT models, decks FROM col").fetchone()
    note_types = {
        int(type_id): NoteType(
            name=model["name"],
            is_cloze=model.get("type") == 1,
            fields=tuple(f["name"] for f in sorted(model["flds"], key=lambda f: f["ord"])),
        )
        for type_id, model in json.loads(models_json).items()
    }
    decks = {int(deck_id): deck["name"] for deck_id, deck in json.loads(decks_json).items()}
    return note_types, decks


def _schema18_note_types(connection: sqlite3.Connection) -> dict[int, NoteType]:
    fields: dict[int, list[tuple[int, str]]] = {}
    for type_id, order, name in connection.execute("SELECT ntid, ord, name FROM fields"):
        fields.setdefault(type_id, []).append((order, name))
    return {
        type_id: NoteType(
            name=name,
            # Notetype.Config field 1 is the kind: 0 normal, 1 cloze.
            is_cloze=_varint_field(config, 1) == 1,
            fields=tuple(name for _, name in sorted(fields.get(type_id, []))),
        )
        for type_id, name, config in connection.execute("SELECT id, name, config FROM notetypes")
    }


def _schema18_decks(connection: sqlite3.Connection) -> dict[int, str]:
    return {
        deck_id: name.replace(FIELD_SEPARATOR, "::")
        for deck_id, name in connection.execute("SELECT id, name FROM decks")
    }


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if position >= len(data) or shift > 63:
            raise ImportFileError("The package's metadata is damaged.")
        byte = data[position]
        value |= (byte & 0x7F) << shift
        position, shift = position + 1, shift + 7
        if not byte & 0x80:
            return value, position


def _varint_field(data: bytes, wanted: int) -> int | None:
    """The value of varint field `wanted` in a protobuf message, or None when absent.

    Anki's `meta` (PackageMetadata: 1 = version) and note type configs (1 = kind) need only
    this; a protobuf dependency for two integers would not earn its place.
    """
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, position = _varint(data, position)
            if number == wanted:
                return value
        elif wire_type == 2:
            length, position = _varint(data, position)
            position += length
        elif wire_type in (1, 5):
            position += 8 if wire_type == 1 else 4
        else:
            raise ImportFileError("The package's metadata is damaged.")
    return None
