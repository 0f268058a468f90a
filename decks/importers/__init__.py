"""Readers for the files people import: plain data in, plain data out, no database.

A reader turns an uploaded file into `ParsedFile`: the deck names it found, the card rows
(front, back, hint, language, deck) and the rows it had to refuse with a reason. Checking
the rows against the database (languages, duplicates, catalogs) is the import service's job.
A file that cannot be read at all raises `ImportFileError` with a message for the user.

An Anki package may also bring its review history: `ParsedFile.reviews` holds, per row
number, that note's reviews as `RevlogReview`s (plain numbers, about 100 bytes each,
at most `ImportLimits.reviews` of them); what the history had that cannot be used is
only counted, in `reviews_skipped`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

# Progress callbacks receive the share of the file read so far, 0.0 to 1.0.
ProgressCallback = Callable[[float], None]


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class ParsedRow:
    row: int
    front: str
    back: str
    hint: str = ""
    language: str = ""
    deck: str = ""


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


@dataclass(frozen=True, slots=True)
class RevlogReview:
    """One graded review of an Anki revlog: its id is the answer time in epoch ms."""

    revlog_id: int
    rating: int  # 1-4: again, hard, good, easy
    duration_ms: int | None


DEFAULT_LIMITS = ImportLimits()


@dataclass(slots=True)
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    decks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reviews: dict[int, list[RevlogReview]] = field(default_factory=dict)
    reviews_skipped: int = 0


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


def parse_file(
    file: IO[bytes],
    *,
    file_format: str,
    on_progress: ProgressCallback | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ParsedFile:
    from decks.importers import anki, delimited

    if file_format == "apkg":
        return anki.parse_apkg(file, on_progress=on_progress, limits=limits)
    if file_format == "tsv":
        delimiter = "\t"
    else:
        delimiter = delimited.csv_delimiter(file.read(64 * 1024))
        file.seek(0)
    return delimited.parse_delimited(
        file, delimiter=delimiter, on_progress=on_progress, max_rows=limits.cards
    )
