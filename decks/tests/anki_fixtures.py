"""Real Anki exports in the three package layouts, for tests only.

They live in the repository (`decks/tests/fixtures/anki/`, described by its MANIFEST.json and
README.md) so that a fresh clone passes its own tests with nothing beside it.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

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
