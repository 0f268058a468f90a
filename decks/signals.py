"""Signals decks sends for the apps built on it.

`review_history_imported`: an import has written cards that came with a review history
(an Anki package's revlog). Decks reads that history but cannot record it: reviews and
memory are quizzes' models, and decks never imports quizzes (apps import one way, quizzes →
decks → accounts). So decks hands the history over with a signal, and quizzes, which
connects its receiver in `QuizzesConfig.ready()`, records it and answers with
`HistoryCounts`.

The import service sends it with `send` (not `send_robust`) inside the transaction that
writes those cards: a receiver that fails fails the import, and the history is written,
committed or rolled back with its cards; the cleanup of a failed import deletes cards
whose deletion cascades to their reviews. Arguments:

- `owner`: the learner whose history it is (the cards' owner);
- `histories`: {flashcard id: [ImportedReview, …]}, each card's reviews in time order.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.dispatch import Signal

review_history_imported = Signal()


class ImportedReview(NamedTuple):
    source_id: str  # unique within the learner's imports, e.g. "anki-revlog:<revlog id>"
    reviewed_at: datetime
    rating: int  # 1-4: again, hard, good, easy
    duration_ms: int | None


@dataclass(frozen=True, slots=True)
class HistoryCounts:
    """What a receiver made of the reviews it was sent."""

    imported: int = 0
    already_imported: int = 0  # recorded by an earlier import of the same history
