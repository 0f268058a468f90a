"""A smoke run of bench/calibration.py on tiny synthetic histories (never ../shared)."""

import csv
import importlib.util
from pathlib import Path

from django.conf import settings

from quizzes.memory import DEFAULT_PARAMETERS
from quizzes.tests.synthetic import STRONG_MEMORY, synthetic_reviews

BENCH = Path(settings.BASE_DIR) / "bench" / "calibration.py"
COLUMNS = ["user", "card", "reviewed_at_ms", "rating", "duration_ms", "review_kind", "raw_ease"]


def calibration():
    spec = importlib.util.spec_from_file_location("calibration", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_revlog(folder: Path, parameters, seed: int) -> None:
    folder.mkdir()
    with (folder / "reviews.csv").open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for card, moment, rating in synthetic_reviews(parameters=parameters, cards=80, seed=seed):
            milliseconds = int(moment.timestamp() * 1000)
            writer.writerow([folder.name, card, milliseconds, rating, 5000, 1, rating])


def test_the_calibration_benchmark_writes_its_table_and_keeps_the_rest(tmp_path):
    write_revlog(tmp_path / "strong", STRONG_MEMORY, seed=1)
    write_revlog(tmp_path / "average", DEFAULT_PARAMETERS, seed=2)
    output = tmp_path / "learning-quality.md"
    output.write_text("# Learning quality\n\nHand-written notes.\n")

    results = calibration().main(["--data", str(tmp_path), "--output", str(output)])

    assert [r.learner for r in results] == ["average", "strong"]
    assert all(r.outcome.kept_metrics.log_loss <= r.outcome.default.log_loss for r in results)
    text = output.read_text()
    assert "Hand-written notes." in text
    assert "| strong |" in text
    assert "| average |" in text
    assert "| **mean** |" in text
    assert "<!-- calibration:quiet:start -->" in text

    calibration().main(["--data", str(tmp_path), "--output", str(output)])

    assert output.read_text().count("| strong |") == 1, "a rerun replaces its own block"
