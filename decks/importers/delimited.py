"""CSV and TSV: columns front, back, hint, language; header optional; UTF-8, BOM or not.

Also the one rule for cells a spreadsheet would run as formulas, shared by the export
(which quotes them) and this reader (which unquotes exactly what the export quoted).
"""

import csv
import io
import sys
from collections.abc import Iterator
from typing import IO

from decks.importers import ImportFileError, ParsedFile, ParsedRow, ProgressCallback, Rejection

COLUMNS = ("front", "back", "hint", "language")
PROGRESS_EVERY_ROWS = 5000
# A cell starting with one of these is a formula to a spreadsheet (OWASP, CSV injection).
FORMULA_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"


def cell_for_spreadsheet(text: str) -> str:
    """`text` as a CSV cell no spreadsheet runs: a formula start gets a `'` before it.

    A text that already starts with `'` and then a formula start, or a second `'`, gets one
    too, so that `cell_from_spreadsheet` can undo exactly this: `'=x` → `''=x` → `'=x`.
    """
    if text[:1] in FORMULA_STARTS or _is_quoted(text):
        return QUOTE + text
    return text


def cell_from_spreadsheet(cell: str) -> str:
    """Undo `cell_for_spreadsheet`; any other cell, `'tis` included, is left alone."""
    return cell[1:] if _is_quoted(cell) else cell


def _is_quoted(cell: str) -> bool:
    return cell[:1] == QUOTE and len(cell) > 1 and (cell[1] in FORMULA_STARTS or cell[1] == QUOTE)


def parse_delimited(
    file: IO[bytes],
    *,
    delimiter: str,
    on_progress: ProgressCallback | None = None,
    max_rows: int | None = None,
) -> ParsedFile:
    """The whole file in lists (see `DelimitedRows`)."""
    return ParsedFile.of(
        DelimitedRows(file, delimiter=delimiter, on_progress=on_progress, max_rows=max_rows)
    )


class DelimitedRows:
    """The rows of a CSV or TSV file, read lazily from the binary file at each pass.

    Made, it has read the file through once (reporting `on_progress`): a file that is not
    valid UTF-8 CSV, has wrong columns, is empty or holds more than `max_rows` rows of
    cards raises ImportFileError then, before any row is handed out. Rows are numbered as
    a spreadsheet shows them: the header, when there is one, is row 1.
    """

    notes: list[str]
    reviews_skipped = 0

    def __init__(
        self,
        file: IO[bytes],
        *,
        delimiter: str,
        on_progress: ProgressCallback | None = None,
        max_rows: int | None = None,
    ) -> None:
        self._file, self._delimiter, self.notes = file, delimiter, []
        self.count = 0
        for _ in self._records(on_progress):
            self.count += 1
            if max_rows is not None and self.count > max_rows:
                raise ImportFileError(
                    f"The file holds more than {max_rows:,} cards, the most one import may "
                    "add: split it into smaller files."
                )

    def read(self) -> Iterator[ParsedRow | Rejection]:
        for number, cells, columns in self._records(None):
            yield _row(number, cells, columns)

    def _records(
        self, on_progress: ProgressCallback | None
    ) -> Iterator[tuple[int, list[str], tuple[str, ...]]]:
        """Each row that is not blank, with its number and the file's columns."""
        file, delimiter = self._file, self._delimiter
        size = _size_of(file)
        text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        columns: tuple[str, ...] | None = None
        row_number = 0
        try:
            for row_number, cells in enumerate(reader, start=1):
                if columns is None:
                    columns = _columns_from_first_row(cells, delimiter=delimiter)
                    if _is_header(cells):
                        continue
                if any(cell.strip() for cell in cells):  # blank lines are layout, not data
                    yield row_number, cells, columns
                if on_progress and size and row_number % PROGRESS_EVERY_ROWS == 0:
                    on_progress(min(file.tell() / size, 1.0))
        except UnicodeDecodeError as error:
            raise ImportFileError(
                "The file is not UTF-8 text: save it as UTF-8 (“CSV UTF-8” in spreadsheet "
                "programs) and upload it again."
            ) from error
        except csv.Error as error:
            raise ImportFileError(f"Row {row_number + 1} is not valid CSV: {error}.") from error
        finally:
            text.detach()
        if columns is None:
            raise ImportFileError("The file is empty: it has no rows to import.")


def csv_delimiter(head: bytes) -> str:
    """Comma, or semicolon when the first line has only those: spreadsheets in locales
    that write decimal commas save "CSV" with semicolons."""
    first_line = head.split(b"\n", 1)[0]
    return ";" if b";" in first_line and b"," not in first_line else ","


def _size_of(file: IO[bytes]) -> int:
    try:
        return file.seek(0, io.SEEK_END) - file.seek(0)
    except (OSError, ValueError):
        return 0


def _is_header(cells: list[str]) -> bool:
    names = {cell.strip().lower() for cell in cells}
    return "front" in names or "back" in names


def _columns_from_first_row(cells: list[str], *, delimiter: str) -> tuple[str, ...]:
    """The column order: from the header when there is one, else positional."""
    kind = "TSV" if delimiter == "\t" else "CSV"
    if _is_header(cells):
        names = tuple(cell.strip().lower() for cell in cells)
        unknown = [name for name in names if name not in COLUMNS]
        missing = [name for name in ("front", "back") if name not in names]
        if unknown or missing or len(set(names)) != len(names):
            raise ImportFileError(
                f"Wrong columns in the {kind} header ({', '.join(cells)}): expected front, "
                "back and optionally hint and language, each once."
            )
        return names
    if not 2 <= len(cells) <= len(COLUMNS):
        raise ImportFileError(
            f"Wrong columns: the first row has {len(cells)} column(s); a {kind} import needs "
            "2 to 4 columns in the order front, back, hint, language (a header row is optional)."
        )
    return COLUMNS


def _row(number: int, cells: list[str], columns: tuple[str, ...]) -> ParsedRow | Rejection:
    if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
        return Rejection(number, f"{len(cells)} columns where {len(columns)} were expected.")
    values = dict(zip(columns, map(cell_from_spreadsheet, cells), strict=False))
    return ParsedRow(
        row=number,
        front=values.get("front", ""),
        back=values.get("back", ""),
        hint=values.get("hint", ""),
        # A file repeats a handful of codes: one string each, not one per row.
        language=sys.intern(values.get("language", "").strip()),
    )
