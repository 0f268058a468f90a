"""The real Anki exports shared by the team (../shared/fixtures/anki), for tests only."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

ANKI_FIXTURES = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "anki"
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
