"""The progress pages' drawing helpers: the review calendar as SVG and intervals in words."""

import math
from collections import Counter
from datetime import date, timedelta
from typing import Any

from django import template

register = template.Library()

STEP = 13  # a day's square and the gap after it, in SVG units
SQUARE = 10
LEFT = 30  # room for the weekday names
TOP = 16  # room for the month names
SHADES = 4


def _shade(reviews: int, busiest: int) -> int:
    """0 for a day without reviews, else 1 to 4 by its share of the busiest day's count."""
    return math.ceil(SHADES * reviews / busiest) if reviews else 0


@register.inclusion_tag("quizzes/_heatmap.html")
def review_heatmap(days: list[dict[str, Any]]) -> dict[str, Any]:
    """A column per week (Monday on top) and a square per study day, shaded by its reviews;
    with the month names above and the same numbers per month for a table."""
    if not days:
        return {"days": []}
    monday = days[0]["date"] - timedelta(days=days[0]["date"].weekday())
    busiest = max(day["reviews"] for day in days)
    cells = []
    per_month: Counter[date] = Counter()
    for day in days:
        offset = (day["date"] - monday).days
        x = LEFT + offset // 7 * STEP
        cells.append(
            {
                **day,
                "x": x,
                "y": TOP + offset % 7 * STEP,
                "shade": _shade(day["reviews"], busiest),
            }
        )
        per_month[day["date"].replace(day=1)] += day["reviews"]
    weeks = (days[-1]["date"] - monday).days // 7 + 1
    return {
        "days": cells,
        "months": _month_labels(cells),
        "weekdays": [
            {"name": name, "y": TOP + row * STEP + SQUARE - 1}
            for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
        ],
        "width": LEFT + weeks * STEP + 2 * STEP,  # room for the last month's name
        "height": TOP + 7 * STEP,
        "square": SQUARE,
        "total": sum(day["reviews"] for day in days),
        "active_days": sum(1 for day in days if day["reviews"]),
        "busiest": max(days, key=lambda day: day["reviews"]) if busiest else None,
        "per_month": sorted(per_month.items()),
        "shades": range(SHADES + 1),
    }


def _month_labels(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each month's name above the week of its first day; the partial month the year starts
    in is named only when there is room before the next name."""
    labels = [cell for cell in cells if cell["date"].day == 1]
    first = cells[0]
    if first["date"].day != 1 and (not labels or labels[0]["x"] - first["x"] >= 3 * STEP):
        labels.insert(0, first)
    return [{"x": cell["x"], "date": cell["date"]} for cell in labels]


@register.filter
def percent(share: float | None) -> str:
    """A share from 0 to 1 as a percentage with at most one decimal, as the charts show it."""
    return "—" if share is None else f"{round(100 * share, 1):g}"


@register.filter
def interval(days: float | None) -> str:
    """How long until a card comes back, in the largest unit that reads naturally."""
    if days is None:
        return "—"
    minutes = days * 24 * 60
    for limit, size, unit in (
        (60, 1, "minute"),
        (24 * 60, 60, "hour"),
        (60 * 24 * 60, 24 * 60, "day"),
        (365 * 24 * 60, 30 * 24 * 60, "month"),
    ):
        if minutes < limit:
            return _plural(round(minutes / size), unit)
    return _plural(round(minutes / (365 * 24 * 60), 1), "year")


def _plural(amount: float, unit: str) -> str:
    amount = max(amount, 1) if unit == "minute" else amount
    shown = f"{amount:g}"
    return f"{shown} {unit}{'' if shown == '1' else 's'}"
