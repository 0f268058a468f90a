"""Readers for the files people import: plain data in, plain data out, no database.

A reader turns an uploaded file into a `RowSource`: the card rows (front, back, hint,
language, deck) and the rows it had to refuse with a reason, in file order, read from the
file again at each pass (`read()`), so that a worker holds a batch of rows at a time, not
the file's. Checking the rows against the database (languages, duplicates, catalogs) is
the import service's job. A file that cannot be read at all raises `ImportFileError` with
a message for the user: when it is opened (`rows_open`: a CSV file is read through once
there, to count its rows), or, for an Anki collection damaged past its first pages, in a
pass. `parse_file` reads a whole file into a `ParsedFile` of lists, for tests and tools.

An Anki package may also bring its review history: each row holds that note's reviews
as `RevlogReview`s (plain numbers, about 100 bytes each, at most `ImportLimits.reviews`
of them in a package); what the history had that cannot be used is only counted, in
`reviews_skipped`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from typing import IO, Protocol

# Progress callbacks receive the share of the file read so far, 0.0 to 1.0.
ProgressCallback = Callable[[float], None]


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class RevlogReview:
    """One graded review of an Anki revlog: its id is the answer time in epoch ms."""

    revlog_id: int
    rating: int  # 1-4: again, hard, good, easy
    duration_ms: int | None


@dataclass(frozen=True, slots=True)
class ParsedRow:
    row: int
    front: str
    back: str
    hint: str = ""
    language: str = ""
    deck: str = ""
    reviews: tuple[RevlogReview, ...] = ()  # its note's history, from an Anki package


@dataclass(frozen=True, slots=True)
class Rejection:
    row: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """What one import may cost, checked while reading, before anything is written.

    `cards`: rows of a CSV or TSV file, notes of an Anki package. `unpacked_bytes`: the
    Anki collection once inflated (a zip or zstd bomb must not fill the disk).
    """

    cards: int = 100_000
    unpacked_bytes: int = 200 * 1024 * 1024
    reviews: int = 500_000


DEFAULT_LIMITS = ImportLimits()


class RowSource(Protocol):
    """A file's rows, each pass read from the file again.

    `count`: how many rows and rejections a pass yields (known when the file is opened).
    `notes` (what the reader has to say about the file, for the user) and `reviews_skipped`
    are complete once a pass has ended.
    """

    @property
    def count(self) -> int: ...

    @property
    def notes(self) -> list[str]: ...

    @property
    def reviews_skipped(self) -> int: ...

    def read(self) -> Iterator[ParsedRow | Rejection]: ...


@dataclass(slots=True)
class ParsedFile:
    """A whole file's rows in lists: a `RowSource` for tests and small tools."""

    rows: list[ParsedRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reviews_skipped: int = 0

    @classmethod
    def of(cls, source: RowSource) -> "ParsedFile":
        parsed = cls()
        for item in source.read():
            if isinstance(item, ParsedRow):
                parsed.rows.append(item)
            else:
                parsed.rejected.append(item)
        parsed.notes, parsed.reviews_skipped = list(source.notes), source.reviews_skipped
        return parsed

    @property
    def count(self) -> int:
        return len(self.rows) + len(self.rejected)

    @property
    def decks(self) -> list[str]:
        """The decks of the rows, in the order they first appear."""
        return list(dict.fromkeys(row.deck for row in self.rows))

    def read(self) -> Iterator[ParsedRow | Rejection]:
        return chain(self.rejected, self.rows)


FORMATS = ("csv", "tsv", "apkg")
ZIP_MAGIC = b"PK\x03\x04"


def detect_format(*, name: str, head: bytes) -> str:
    """csv, tsv or apkg, from the first bytes and the file name; ImportFileError otherwise."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if head.startswith(ZIP_MAGIC) or suffix in ("apkg", "colpkg", "zip"):
        return "apkg"
    if suffix in ("tsv", "tab"):
        return "tsv"
    if suffix in ("csv", "txt", ""):
        first_line = head.split(b"\n", 1)[0]
        return "tsv" if b"\t" in first_line else "csv"
    raise ImportFileError(
        f"Cannot import a .{suffix} file: upload a CSV or TSV file or an Anki package (.apkg)."
    )


@contextmanager
def rows_open(
    file: IO[bytes],
    *,
    file_format: str,
    on_progress: ProgressCallback | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> Iterator[RowSource]:
    """The file's rows, readable while the context lasts (and `file` stays open), checked
    against `limits` before a row is handed out. `on_progress` follows the first reading
    of the file where opening reads it through (CSV and TSV)."""
    from decks.importers import anki, delimited

    if file_format == "apkg":
        with anki.apkg_open(file, limits=limits) as rows:
            yield rows
        return
    if file_format == "tsv":
        delimiter = "\t"
    else:
        delimiter = delimited.csv_delimiter(file.read(64 * 1024))
        file.seek(0)
    yield delimited.DelimitedRows(
        file, delimiter=delimiter, on_progress=on_progress, max_rows=limits.cards
    )


def parse_file(
    file: IO[bytes],
    *,
    file_format: str,
    on_progress: ProgressCallback | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ParsedFile:
    """The whole file in lists (see `rows_open`)."""
    with rows_open(file, file_format=file_format, on_progress=on_progress, limits=limits) as rows:
        return ParsedFile.of(rows)
