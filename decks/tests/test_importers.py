import hashlib
import io
import os
import sqlite3
import tempfile
import time
import tracemalloc
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import genanki
import pytest
import zstandard

from decks.importers import ImportFileError, ImportLimits, detect_format, parse_file
from decks.importers.anki import parse_apkg
from decks.importers.delimited import parse_delimited
from decks.importers.scratch import LOCK_FILE, SCRATCH_PREFIX, scratch_folder, scratch_sweep
from decks.markup import card_html, plain_text, sanitise
from decks.tests.anki_fixtures import (
    ANKI_FIXTURES,
    APKG_FILES,
    anki_package,
    expected_counts,
    manifest,
    zip_bomb,
)


def csv_of(text: str, *, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def test_csv_with_header_reads_columns_by_name():
    parsed = parse_delimited(
        csv_of("language,back,front\nes,hello,hola\nfr,thanks,merci\n"), delimiter=","
    )
    assert [(r.row, r.front, r.back, r.language) for r in parsed.rows] == [
        (2, "hola", "hello", "es"),
        (3, "merci", "thanks", "fr"),
    ]


def test_csv_without_header_is_front_back_hint_language():
    parsed = parse_delimited(csv_of('hola,hello,"greeting, informal",es\n'), delimiter=",")
    (row,) = parsed.rows
    assert (row.row, row.front, row.back, row.hint, row.language) == (
        1,
        "hola",
        "hello",
        "greeting, informal",
        "es",
    )


def test_utf8_bom_is_not_part_of_the_first_header():
    parsed = parse_delimited(csv_of("\ufefffront,back\ncafé,coffee\n"), delimiter=",")
    assert [(r.front, r.back) for r in parsed.rows] == [("café", "coffee")]


def test_tsv_keeps_commas_inside_cells():
    parsed = parse_delimited(csv_of("front\tback\nhola, amigo\thi, friend\n"), delimiter="\t")
    assert [(r.front, r.back) for r in parsed.rows] == [("hola, amigo", "hi, friend")]


def test_semicolon_csv_from_a_spreadsheet_is_understood():
    content = b"front;back;language\nla casa;the house, the home;es\n"
    parsed = parse_file(io.BytesIO(content), file_format="csv")
    assert [(r.front, r.back, r.language) for r in parsed.rows] == [
        ("la casa", "the house, the home", "es")
    ]


def test_rows_with_extra_cells_are_rejected_and_blank_lines_ignored():
    parsed = parse_delimited(csv_of("front,back\n\nuno,one\ndos,two,x,y,z\n"), delimiter=",")
    assert [r.front for r in parsed.rows] == ["uno"]
    assert [(r.row, r.reason) for r in parsed.rejected] == [(4, "5 columns where 2 were expected.")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"one column only\n", "Wrong columns"),
        (b"a,b,c,d,e\n", "Wrong columns"),
        (b"front,back,colour\nx,y,z\n", "Wrong columns"),
        (b"front,hint\nx,y\n", "Wrong columns"),
        ("hola,h\u00e9llo\n".encode("latin-1"), "not UTF-8"),
        ("front,back\nhola,hello\n".encode("utf-16"), "not UTF-8"),
        (b'front,back\n"unterminated,x\n', "not valid CSV"),
    ],
)
def test_bad_delimited_files_raise_a_clear_error(content, message):
    with pytest.raises(ImportFileError, match=message):
        parse_delimited(io.BytesIO(content), delimiter=",")


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("words.csv", b"front,back", "csv"),
        ("words.tsv", b"front\tback", "tsv"),
        ("words.txt", b"hola\thello", "tsv"),
        ("deck.apkg", b"PK\x03\x04", "apkg"),
        ("renamed.csv", b"PK\x03\x04", "apkg"),
    ],
)
def test_detect_format(name, head, expected):
    assert detect_format(name=name, head=head) == expected


def test_detect_format_refuses_other_kinds_of_file():
    with pytest.raises(ImportFileError, match=r"\.xlsx"):
        detect_format(name="words.xlsx", head=b"\x00")


def test_html_is_reduced_to_the_formatting_subset():
    assert sanitise("to eat<br><div>Yo como&nbsp;pan.</div>") == "to eat\nYo como pan."
    assert sanitise("<b>comer</b> <script>alert(1)</script>", single_line=True) == "<b>comer</b>"
    assert sanitise('apple<br><img src="pic.png">[sound:a.mp3]') == "apple"
    assert sanitise("Tom &amp; Jerry") == "Tom & Jerry"
    # An escaped tag stays text: shown as typed, not read as bold.
    assert plain_text(sanitise("a &lt;b&gt; &amp; c")) == "a <b> & c"
    assert card_html(sanitise("a &lt;b&gt; c")) == "a &lt;\u2060b&gt; c"


def _package_of(*notes: tuple[str, str]) -> io.BytesIO:
    deck = genanki.Deck(1_900_000_001, "Formatted")
    for front, back in notes:
        deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[front, back]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "formatted.apkg"
        genanki.Package(deck).write_to_file(str(path))
        return io.BytesIO(path.read_bytes())


def test_anki_formatting_in_the_subset_is_kept():
    package = _package_of(
        ("<strong>comer</strong>", "to <b>eat</b>, <i>to</i> <u>dine</u>"),
        ("<ruby>漢字<rt>かんじ</rt></ruby>", "Chinese characters"),
        ("H<sub>2</sub>O", "water, m<sup>3</sup>"),
    )
    rows = [(row.front, row.back) for row in parse_apkg(package).rows]
    assert rows == [
        ("<b>comer</b>", "to <b>eat</b>, <i>to</i> <u>dine</u>"),
        ("<ruby>漢字<rt>かんじ</rt></ruby>", "Chinese characters"),
        ("H<sub>2</sub>O", "water, m<sup>3</sup>"),
    ]


def test_anki_html_outside_the_subset_is_reduced_to_text():
    package = _package_of(
        ("la fresa<script>alert(1)</script>", '<img src="x" onerror="alert(1)">strawberry'),
        ('<a href="javascript:alert(1)">el huevo</a>', '<b style="color:red" class="x">egg</b>'),
        ('<span style="font-size:2em">la pera</span>', "<font color=red>pear</font>"),
    )
    rows = [(row.front, row.back) for row in parse_apkg(package).rows]
    assert rows == [("la fresa", "strawberry"), ("el huevo", "<b>egg</b>"), ("la pera", "pear")]


@pytest.mark.parametrize("file", APKG_FILES)
def test_the_anki_fixtures_in_the_repository_are_the_ones_their_manifest_describes(file):
    entry = manifest()[file]
    data = (ANKI_FIXTURES / file).read_bytes()
    assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size_bytes"], entry["sha256"])


@pytest.mark.parametrize("file", APKG_FILES)
def test_apkg_layouts_give_the_manifest_notes(file):
    entry = manifest()[file]
    with (ANKI_FIXTURES / file).open("rb") as apkg:
        parsed = parse_apkg(apkg)
    cloze = len(entry["cloze_notes"])
    assert len(parsed.rows) == entry["notes_total"] - cloze
    assert len(parsed.rejected) == cloze
    assert all("cloze" in rejection.reason for rejection in parsed.rejected)
    notes_per_deck = Counter(row.deck for row in parsed.rows)
    for note in entry["cloze_notes"]:
        notes_per_deck[note["deck"]] += 1
    assert {deck: n for deck, n in entry["notes_per_deck"].items() if n} == dict(notes_per_deck)
    assert sorted(parsed.decks) == ["Spanish", "Spanish::Food", "Spanish::Verbs"]


@pytest.mark.parametrize("file", APKG_FILES)
def test_apkg_fields_become_card_text(file):
    with (ANKI_FIXTURES / file).open("rb") as apkg:
        rows = {row.front: row for row in parse_apkg(apkg).rows}
    assert rows["<b>comer</b>"].back == "to eat\nYo como pan todos los días."
    assert rows["la manzana"].back == "apple"  # the picture is dropped
    assert rows["la fresa"].back == "strawberry 🍓"
    assert "الزيتونة" in rows["la aceituna"].back
    assert rows["el huevo"].back == "egg"  # reversed note: one card


def test_modern_packages_never_read_the_placeholder_collection():
    for file in ("anki21.apkg", "anki21b.apkg"):
        with (ANKI_FIXTURES / file).open("rb") as apkg:
            fronts = [row.front for row in parse_apkg(apkg).rows]
        assert not any("Please update" in front for front in fronts)


def test_media_is_reported_in_the_notes():
    with (ANKI_FIXTURES / "anki21b.apkg").open("rb") as apkg:
        parsed = parse_apkg(apkg)
    assert (
        "1 note showed images or sounds: media files are not imported, only the text of each field."
        in parsed.notes
    )


def _zip(entries: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def _fixture_entries(file: str) -> dict[str, bytes]:
    with zipfile.ZipFile(ANKI_FIXTURES / file) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_meta_chooses_the_collection_even_if_a_newer_name_is_present():
    entries = _fixture_entries("anki21.apkg")
    entries["collection.anki21b"] = b"not read: meta says version 2"
    assert len(parse_apkg(_zip(entries)).rows) == 38


def test_apkg_meta_of_an_unknown_version_is_refused():
    entries = _fixture_entries("anki21b.apkg")
    entries["meta"] = b"\x08\x09"
    with pytest.raises(ImportFileError, match="newer Anki"):
        parse_apkg(_zip(entries))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (io.BytesIO(b"front,back\nnot,a zip\n"), "not an Anki package"),
        (_zip({"media": b"{}", "notes.txt": b"hello"}), "no Anki collection"),
        (_zip({"collection.anki2": b"SQLite format 3\x00" + b"\x07" * 2000}), "damaged"),
        (_zip({"collection.anki2": b"garbage" * 100}), "damaged"),
        (_zip({"meta": b"\x08\x03", "collection.anki21b": b"not zstd"}), "damaged"),
    ],
)
def test_bad_packages_raise_a_clear_error(content, message):
    with pytest.raises(ImportFileError, match=message):
        parse_apkg(content)


def test_a_sqlite_file_that_is_not_anki_is_refused(tmp_path: Path):
    database = tmp_path / "other.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE things (id integer)")
    with pytest.raises(ImportFileError, match="not an Anki database"):
        parse_apkg(_zip({"collection.anki2": database.read_bytes()}))


def test_a_zstd_bomb_is_stopped_at_the_limit():
    bomb = zstandard.ZstdCompressor().compress(b"\x00" * 5_000_000)
    with pytest.raises(ImportFileError, match=r"unpacks to more than 0\.954 MB"):
        parse_apkg(
            _zip({"meta": b"\x08\x03", "collection.anki21b": bomb}),
            limits=ImportLimits(unpacked_bytes=1_000_000),
        )


def test_parse_file_reports_progress():
    shares: list[float] = []
    content = "".join(f"word {n},meaning {n}\n" for n in range(12_000))
    parse_file(csv_of(content), file_format="csv", on_progress=shares.append)
    assert shares
    assert shares == sorted(shares)
    assert 0 < shares[-1] <= 1


@dataclass
class CollectionWork:
    statements: list[str]
    steps: int  # SQLite virtual machine instructions, in hundreds


def _work_of_reading(notes: int, monkeypatch: pytest.MonkeyPatch) -> CollectionWork:
    """What reading a package of `notes` asks of SQLite, counted on the connection the
    importer opens, in a collection without an index on `cards.nid`."""
    package = anki_package(notes, cards_indexed=False)
    work = CollectionWork(statements=[], steps=0)

    def count_steps() -> int:
        work.steps += 1
        return 0  # carry on

    def connect(*args, **kwargs):
        connection = real_connect(*args, **kwargs)
        connection.set_trace_callback(work.statements.append)
        connection.set_progress_handler(count_steps, 100)
        return connection

    real_connect = sqlite3.connect
    with monkeypatch.context() as patch:
        patch.setattr(sqlite3, "connect", connect)
        parsed = parse_apkg(io.BytesIO(package))
    assert len(parsed.rows) == notes
    return work


def test_reading_a_collection_without_an_index_on_cards_is_linear(monkeypatch):
    """Each table is read once: twice the notes, twice the work and the same statements,
    where a per-note lookup of the cards made it four times the work (quadratic)."""
    small, large = (_work_of_reading(notes, monkeypatch) for notes in (400, 800))

    assert large.statements == small.statements
    assert large.steps <= 2.2 * small.steps


def test_an_anki_package_with_more_notes_than_the_limit_is_refused_before_reading():
    package = io.BytesIO(anki_package(30))
    with pytest.raises(ImportFileError, match="holds 30 notes; one import may add at most 20"):
        parse_apkg(package, limits=ImportLimits(cards=20))
    assert len(parse_apkg(package, limits=ImportLimits(cards=30)).rows) == 30


def test_a_csv_file_with_more_rows_than_the_limit_is_refused():
    content = "".join(f"word {n},meaning {n}\n" for n in range(21))
    with pytest.raises(ImportFileError, match="more than 20 cards"):
        parse_file(csv_of(content), file_format="csv", limits=ImportLimits(cards=20))
    assert len(parse_file(csv_of(content), file_format="csv").rows) == 21


def test_a_zip_bomb_is_refused_at_once_without_inflating_it(tmp_path, monkeypatch):
    """1 MB that inflates to 1 GiB: refused by the size the zip declares."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    bomb = zip_bomb("collection.anki2", inflates_to=1 << 30)
    assert len(bomb) < 1.1e6

    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="unpacks to more than 200 MB, the import limit"):
        parse_apkg(io.BytesIO(bomb))

    assert time.perf_counter() - started < 1
    assert not list(tmp_path.iterdir())  # and its scratch folder is gone


def test_a_zip_bomb_whose_header_lies_stops_at_the_size_it_declares(tmp_path, monkeypatch):
    """Declaring 10 MB, holding 1 GiB: no more than the 10 MB are inflated."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    bomb = zip_bomb("collection.anki2", inflates_to=1 << 30, declared_size=10 << 20)

    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="damaged"):
        parse_apkg(io.BytesIO(bomb))

    assert time.perf_counter() - started < 2
    assert not list(tmp_path.iterdir())


def test_scratch_folders_are_removed_after_success_and_failure(tmp_path, monkeypatch):
    package = anki_package(3)  # genanki leaves a temporary file of its own
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    parse_apkg(io.BytesIO(package))
    with pytest.raises(ImportFileError):
        parse_apkg(_zip({"collection.anki2": b"SQLite format 3\x00" + b"\x07" * 2000}))
    assert not list(tmp_path.iterdir())


def test_the_sweep_removes_what_dead_imports_left_and_keeps_live_folders(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    long_ago = time.time() - 3600
    crashed = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))  # a killed process's folder
    (crashed / "collection.sqlite3").write_bytes(b"x" * 1000)
    (crashed / LOCK_FILE).touch()
    just_made = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))  # its lock comes next
    unrelated = tmp_path / "someone-else"
    unrelated.mkdir()
    for folder in (crashed, unrelated):
        os.utime(folder, (long_ago, long_ago))
    with scratch_folder() as live:
        os.utime(live, (long_ago, long_ago))

        assert scratch_sweep() == 1

        assert not crashed.exists()
        assert live.exists()
        assert just_made.exists()
        assert unrelated.exists()
    assert not live.exists()


@pytest.mark.parametrize("file", APKG_FILES)
def test_a_package_brings_the_review_history_of_its_imported_notes(file):
    parsed = parse_apkg(io.BytesIO((ANKI_FIXTURES / file).read_bytes()))
    expected = expected_counts(file)
    assert sum(len(row.reviews) for row in parsed.rows) == expected["reviews_imported"]
    assert parsed.reviews_skipped == expected["reviews_skipped"]
    for reviews in (row.reviews for row in parsed.rows):
        assert [r.revlog_id for r in reviews] == sorted(r.revlog_id for r in reviews)
        assert {r.rating for r in reviews} <= {1, 2, 3, 4}


def test_the_history_kept_from_one_package_is_bounded():
    package = io.BytesIO(anki_package(3, reviews_per_note=3))
    parsed = parse_apkg(package, limits=ImportLimits(reviews=5))
    assert sum(len(row.reviews) for row in parsed.rows) == 5
    assert parsed.reviews_skipped == 4
    assert "Only the first 5 reviews" in " ".join(parsed.notes)


def peak_memory_of_parsing(package: bytes, limits: ImportLimits) -> int:
    tracemalloc.start()
    try:
        parse_apkg(io.BytesIO(package), limits=limits)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_history_twice_as_long_costs_no_more_memory():
    """The revlog is streamed: past the unpacking buffers (a few MB, reached by 100,000
    rows), what it costs is bounded by the review limit, not by its rows."""
    limits = ImportLimits(reviews=500)
    rows_100k = anki_package(10, reviews_per_note=10_000)
    rows_200k = anki_package(10, reviews_per_note=20_000)

    shorter, longer = (peak_memory_of_parsing(p, limits) for p in (rows_100k, rows_200k))

    assert longer < shorter * 1.1
