"""A synthetic learner's history in the layout of ../shared/data/revlogs (which the tests
must not read): a folder with a `reviews.csv`, one row per review, by card then time."""

import csv
from pathlib import Path

from quizzes.tests.synthetic import STRONG_MEMORY, synthetic_reviews

COLUMNS = ["user", "card", "reviewed_at_ms", "rating", "duration_ms", "review_kind", "raw_ease"]
CARD_IDS = 1_500_000_000_000  # Anki card ids are creation times in epoch milliseconds


def write_revlog(folder: Path, *, cards: int, seed: int = 1) -> int:
    """`folder/reviews.csv` of a learner with `cards` cards whose memory lasts longer than
    FSRS's defaults say (so a fit has something to find); returns the number of reviews."""
    reviews = sorted(synthetic_reviews(parameters=STRONG_MEMORY, cards=cards, seed=seed))
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "reviews.csv").open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        previous = None
        for number, moment, rating in reviews:
            kind = 1 if number == previous else 0  # a card's first answer is a learning step
            milliseconds = int(moment.timestamp() * 1000) + number  # unique, as revlog ids are
            writer.writerow(
                [folder.name, CARD_IDS + number, milliseconds, rating, 8000, kind, rating]
            )
            previous = number
    return len(reviews)
