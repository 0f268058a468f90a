"""What each chart on the progress pages draws, as the JSON static/js/charts.js reads.

Only the shape of the numbers the selectors return changes here; every figure shown is the
selector's own, so the chart and the table beside it always agree.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

Chart = dict[str, Any]
PERCENT = {"min": 0, "max": 100, "title": "Memory strength (%)"}


def day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def strength_bands(histogram: Sequence[int]) -> list[dict[str, Any]]:
    """The histogram's ten bands (0–9 % … 90–100 %) with their cards, for charts and tables."""
    return [
        {"label": f"{10 * index}–{10 * index + (10 if index == 9 else 9)} %", "cards": cards}
        for index, cards in enumerate(histogram)
    ]


def strength_distribution(histogram: Sequence[int]) -> Chart:
    bands = strength_bands(histogram)
    return {
        "type": "bar",
        "labels": [band["label"] for band in bands],
        "datasets": [{"label": "Cards", "data": [band["cards"] for band in bands]}],
        "x": {"title": "Memory strength"},
        "y": {"min": 0, "title": "Cards"},
    }


def forecast(days: Sequence[dict[str, Any]]) -> Chart:
    return {
        "type": "bar",
        "labels": [day_label(day["date"]) for day in days],
        "datasets": [{"label": "Cards due", "data": [day["due"] for day in days]}],
        "y": {"min": 0, "title": "Cards due"},
    }


def retention(weeks: Sequence[dict[str, Any]], *, desired: float) -> Chart:
    recalled = [None if w["retention"] is None else round(100 * w["retention"], 1) for w in weeks]
    return {
        "type": "line",
        "labels": [day_label(week["week"]) for week in weeks],
        "datasets": [
            {"label": "Recalled", "data": recalled, "pointRadius": 3},
            {"label": "Desired retention", "data": [round(100 * desired, 1)] * len(weeks)},
        ],
        "x": {"title": "Week starting"},
        "y": {"min": 0, "max": 100, "title": "Reviews recalled (%)"},
    }


def catalog_strengths(catalogs: Sequence[dict[str, Any]]) -> Chart:
    return {
        "type": "bar",
        "labels": [catalog["name"] for catalog in catalogs],
        "datasets": [
            {"label": "Memory strength", "data": [row["memory_strength"] for row in catalogs]}
        ],
        "y": PERCENT,
    }


def prediction(days: Sequence[dict[str, Any]]) -> Chart:
    return {
        "type": "line",
        "labels": [day_label(day["date"]) for day in days],
        "datasets": [{"label": "Memory strength", "data": [d["memory_strength"] for d in days]}],
        "y": PERCENT,
    }


def strength_curve(points: Sequence[dict[str, Any]]) -> Chart:
    """A card's strength over real time: the x axis is days since it was first studied."""
    start: datetime | None = points[0]["at"] if points else None
    return {
        "type": "line",
        "datasets": [
            {
                "label": "Memory strength",
                "data": [
                    {
                        "x": round((point["at"] - start).total_seconds() / 86_400, 3),
                        "y": point["memory_strength"],
                    }
                    for point in points
                    if start is not None
                ],
            }
        ],
        "x": {"type": "linear", "min": 0, "title": "Days since first studied"},
        "y": PERCENT,
    }
