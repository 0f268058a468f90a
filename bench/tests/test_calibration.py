"""The calibration benchmark on tiny synthetic learners, so it does not rot (it reads real
ones from ../shared/data, which tests must not)."""

from bench import calibration
from bench.tests.revlogs import write_revlog


def test_it_fits_every_learner_of_the_folder_and_writes_their_table(tmp_path, capsys):
    data, output = tmp_path / "revlogs", tmp_path / "learning-quality.md"
    reviews = {
        name: write_revlog(data / name, cards=100, seed=seed) for seed, name in enumerate("ab")
    }
    output.write_text("# Learning quality\n\nKept as it was.\n")

    results = calibration.main(["--data", str(data), "--output", str(output)])

    assert {r.learner: r.outcome.reviews for r in results} == reviews
    assert all(0 < r.outcome.targets < r.outcome.reviews for r in results)
    assert all(r.outcome.kept for r in results)  # memories stronger than the defaults
    printed, written = capsys.readouterr().out, output.read_text()
    assert [row.split(" | ")[0] for row in printed.splitlines() if row.startswith("| ")][1:] == [
        "| a",
        "| b",
        "| **mean**",
    ]
    assert written.startswith("# Learning quality\n\nKept as it was.\n")
    assert f"<!-- calibration:quiet:start -->\n{printed.strip()}\n" in written
