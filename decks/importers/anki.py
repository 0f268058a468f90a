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
that gives it its deck (see `_History` for what is kept and what only counted).
"""

import errno
import json
import sqlite3
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
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


def parse_apkg(file: IO[bytes], *, limits: ImportLimits = DEFAULT_LIMITS) -> ParsedFile:
    """The whole package in lists (see `apkg_open`)."""
    with apkg_open(file, limits=limits) as rows:
        return ParsedFile.of(rows)


@contextmanager
def apkg_open(file: IO[bytes], *, limits: ImportLimits = DEFAULT_LIMITS) -> Iterator["AnkiRows"]:
    """The notes of a package, readable while the context lasts: refused before they are
    read when there are more than `limits.cards`, and unpacked only while within
    `limits.unpacked_bytes`."""
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
            with _damage_told():
                rows = AnkiRows(connection, limits)
            yield rows
        finally:
            connection.close()


@contextmanager
def _damage_told() -> Iterator[None]:
    try:
        yield
    except (sqlite3.DatabaseError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise ImportFileError(
            f"The Anki collection inside this package is damaged and cannot be read ({error})."
        ) from error


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


class AnkiRows:
    """The notes of an open collection, one card each, read in id order at each pass
    with their review history; the collection's damage found while reading raises
    ImportFileError. The whole of it is never in Python: SQLite sorts and joins."""

    def __init__(self, connection: sqlite3.Connection, limits: ImportLimits) -> None:
        self._connection, self._max_reviews = connection, limits.reviews
        self.notes: list[str] = []
        self.reviews_skipped = 0
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        if not {"notes", "cards", "col"} <= tables:
            raise ImportFileError(
                "The package's collection is not an Anki database (tables missing)."
            )
        self._tables = tables
        # Each note's first card (by its template's order; SQLite gives a bare column the
        # values of the row with the min()), its deck the home deck when it sits in a
        # filtered one. Grouped once, not looked up per note: in a collection without an
        # index on `cards.nid` (Anki's own have one, other tools' may not) a lookup scans
        # all cards for every note, which is quadratic: 40,000 notes took 53 s.
        connection.execute(
            "CREATE TEMP VIEW first_cards AS SELECT nid, id AS cid, "
            "CASE WHEN odid != 0 THEN odid ELSE did END AS deck_id, min(ord) "
            "FROM cards GROUP BY nid"
        )
        if "notetypes" in tables:
            self._note_types, self._decks = (
                _schema18_note_types(connection),
                _schema18_decks(connection),
            )
        else:
            self._note_types, self._decks = _schema11_note_types_and_decks(connection)
        (self.count,) = connection.execute("SELECT count(*) FROM notes").fetchone()
        if self.count > limits.cards:  # each note gives one card
            raise ImportFileError(
                f"The package holds {self.count:,} notes; one import may add at most "
                f"{limits.cards:,} cards: split the deck into smaller packages."
            )

    def read(self) -> Iterator[ParsedRow | Rejection]:
        self.notes = []
        with _damage_told():
            yield from self._rows()

    def _rows(self) -> Iterator[ParsedRow | Rejection]:
        history = _History(self._connection, self._tables, max_reviews=self._max_reviews)
        media_notes = 0
        notes = self._connection.execute(
            "SELECT n.flds, n.mid, n.id, c.nid IS NOT NULL, c.deck_id FROM notes n "
            "LEFT JOIN first_cards c ON c.nid = n.id ORDER BY n.id"
        )
        for number, (fields_text, type_id, note_id, has_card, deck_id) in enumerate(notes, 1):
            deck = self._decks.get(deck_id, "") if has_card else ""
            fields = fields_text.split(FIELD_SEPARATOR)
            media_notes += any(has_media(field) for field in fields)
            result = _note_to_row(number, fields, self._note_types.get(type_id), deck)
            if isinstance(result, ParsedRow) and has_card and (reviews := history.of_note(note_id)):
                result = replace(result, reviews=reviews)
            yield result
        self.notes = history.notes()
        self.reviews_skipped = history.skipped()
        if media_notes:
            self.notes.append(
                ngettext(
                    "%(count)d note showed images or sounds: media files are not imported, "
                    "only the text of each field.",
                    "%(count)d notes showed images or sounds: media files are not imported, "
                    "only the text of each field.",
                    media_notes,
                )
                % {"count": media_notes}
            )


class _History:
    """The review history of the notes, read alongside them (both in note id order).

    Kept, as FSRS in Anki keeps them: answers with a grade (ease 1-4) of learning, review,
    relearning and filtered-deck reviews. Skipped and counted: manual reschedules and set due
    dates (type 4, ease 0), rescheduling entries (type 5), cramming without rescheduling
    (type 3, factor 0), damaged rows, reviews of cards that are not in the package or whose
    note is not imported, reviews of a note's other cards (a reversed note is one card
    here), and whatever came before a card's last reset to new (type 4, factor 0: Anki
    starts its memory again there). A history that cannot be read at all is skipped whole;
    the cards still import.
    """

    def __init__(
        self, connection: sqlite3.Connection, tables: set[str], *, max_reviews: int
    ) -> None:
        self._max_reviews, self.kept, self.total = max_reviews, 0, 0
        self._damaged = False
        self._entries: Iterator[tuple[Any, ...]] = iter(())
        self._next: tuple[Any, ...] | None = None
        self._now_ms = int(time.time() * 1000)
        self._v1_buttons = False
        if "revlog" not in tables:
            return
        try:
            (self.total,) = connection.execute("SELECT count(*) FROM revlog").fetchone()
            self._v1_buttons = _scheduler_version(connection, tables) == 1
            self._entries = connection.execute(
                "SELECT c.nid, r.id, r.ease, r.type, r.time, r.factor FROM revlog r "
                "JOIN first_cards c ON c.cid = r.cid ORDER BY c.nid, r.id"
            )
        except (sqlite3.DatabaseError, json.JSONDecodeError, AttributeError, TypeError, ValueError):
            self._damaged = True
            return
        self._next = next(self._entries, None)

    def of_note(self, note_id: int) -> tuple[RevlogReview, ...]:
        """The kept reviews of the note's first card (the entries come ordered by note)."""
        entries: list[tuple[Any, ...]] = []
        while self._next is not None and self._next[0] <= note_id:
            if self._next[0] == note_id:
                entries.append(self._next)
            self._next = next(self._entries, None)
        reviews: list[RevlogReview] = []
        room = self._max_reviews - self.kept
        for _, revlog_id, ease, kind, duration, factor in entries:
            if kind == REVLOG_MANUAL and factor == 0:  # reset to new: memory starts again
                reviews.clear()
                continue
            rating = _rating(
                revlog_id, ease, kind, factor, v1_buttons=self._v1_buttons, now_ms=self._now_ms
            )
            if rating is None or len(reviews) >= room:
                continue
            valid_duration = type(duration) is int and 0 <= duration <= DURATION_MAX_MS
            reviews.append(RevlogReview(revlog_id, rating, duration if valid_duration else None))
        self.kept += len(reviews)
        return tuple(reviews)

    def skipped(self) -> int:
        return self.total - self.kept

    def notes(self) -> list[str]:
        if self._damaged:
            return [
                "The review history in this package is damaged and was not imported; "
                "the cards were."
            ]
        if self.kept >= self._max_reviews and self.total > self.kept:
            return [
                f"Only the first {self._max_reviews:,} reviews of the history are imported "
                "per package."
            ]
        return []


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
