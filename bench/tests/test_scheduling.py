"""The in-process scheduling benchmark at a tiny size, so it does not rot."""

import sys

from bench import scheduling


def test_the_scheduling_benchmark_prints_its_table(monkeypatch, capsys):
    arguments = ["scheduling", "--reviews", "200", "--cards", "100", "--repeats", "1"]
    monkeypatch.setattr(sys, "argv", arguments)

    scheduling.main()

    table = capsys.readouterr().out
    assert "| py-fsrs `review_card` alone |" in table
    assert "one review through our service, minus the database" in table
    assert "| memory strength of 100 cards |" in table
