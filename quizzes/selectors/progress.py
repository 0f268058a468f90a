"""What a learner's memory looks like: per card, in summary, and one card's history."""

import zoneinfo
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import TruncHour

from accounts.models import User
from decks.models import Catalog
from decks.selectors import (
    catalog_flashcard_count,
    catalogs_in_collection_of,
    catalogs_with_card_count,
    flashcards_visible_to,
)
from quizzes import memory
from quizzes.models import CardProgress, CardState, Rating, ReviewLog
from quizzes.selectors.settings import study_settings_of
from quizzes.selectors.stats import DaysSince, study_days_table
from quizzes.selectors.study import (
    daily_limits_used,
    new_cards_started_since,
    new_flashcards,
    studyable,
)
from quizzes.study_days import (
    study_day_bounds,
    study_day_of,
    study_day_segments,
    study_streak,
)

FORECAST_DAYS = 30
STREAK_HORIZON_DAYS = 400


def learner_decay(user: User) -> float:
    return memory.decay_of(memory.parameters_of(study_settings_of(user)))


def progress_of(
    user: User,
    *,
    now: datetime,
    catalog: Catalog | None = None,
    due: str | None = None,
    level: str | None = None,
    leech: bool | None = None,
    day_end: datetime | None = None,
) -> QuerySet[CardProgress]:
    """The learner's progress rows, soonest due first, filtered as the progress list asks:
    every card studied, but only those they may still study (`studyable`) as due."""
    rows = CardProgress.objects.filter(user=user).exclude(state=CardState.NEW)
    if due is not None:
        rows = studyable(rows, user, catalog=catalog)
    elif catalog is not None:
        rows = rows.filter(flashcard__memberships__catalog=catalog)
    if due == "now":
        rows = rows.filter(due__lte=now, suspended=False)
    elif due == "today" and day_end is not None:
        rows = rows.filter(due__lt=day_end, suspended=False)
    if level is not None:
        bounds = memory.stability_range(level)
        rows = rows.filter(_stability_between(*bounds)) if bounds else rows.none()
    if leech is not None:
        rows = rows.filter(is_leech=leech)
    return rows.order_by("due", "id")


def _stability_between(low: float, high: float) -> Q:
    """[low, high) days of stability; no upper bound for Mastery (no infinity in SQL)."""
    return Q(stability__gte=low) & (Q(stability__lt=high) if high != float("inf") else Q())


def progress_row(progress: CardProgress, *, now: datetime, decay: float) -> dict[str, Any]:
    return {
        "flashcard": progress.flashcard_id,
        "state": CardState(progress.state).label,
        "memory_strength": memory.memory_strength(
            stability=progress.stability, last_review=progress.last_review, now=now, decay=decay
        ),
        "level": memory.level_of(progress.stability).name,
        "stability": progress.stability,
        "due": progress.due,
        "last_review": progress.last_review,
        "reps": progress.reps,
        "lapses": progress.lapses,
        "streak": progress.streak,
        "best_streak": progress.best_streak,
        "suspended": progress.suspended,
        "is_leech": progress.is_leech,
    }


# Each card's memory strength, memory.memory_strength in SQL: the forgetting curve computed
# once a card (a MATERIALIZED CTE: inlined, the curve would be computed again in every
# CASE branch that reads it), rounded half to even as Python's round() does, then the cards
# counted per strength (at most 101 rows a group, whatever the number of cards). The same
# SQL on both databases; only the days since the last review (DaysSince) differ.
STRENGTH_COUNTS = """
WITH curve AS MATERIALIZED (
    SELECT part, CASE WHEN stability > 0 AND elapsed IS NOT NULL THEN
        100 * POWER(1 + %s * (CASE WHEN elapsed > 0 THEN elapsed ELSE 0 END) / stability, -%s)
    END AS x
    FROM ({rows}) AS card
), rounded AS (
    SELECT part, CASE
        WHEN x IS NULL THEN 0
        WHEN x - FLOOR(x) > 0.5 THEN FLOOR(x) + 1
        WHEN x - FLOOR(x) < 0.5 THEN FLOOR(x)
        ELSE FLOOR(x) + FLOOR(x) - 2 * FLOOR(FLOOR(x) / 2)
    END AS strength
    FROM curve
)
SELECT part, strength, COUNT(*) FROM rounded GROUP BY part, strength
"""


def strength_counts(
    rows: QuerySet[CardProgress], *, now: datetime, decay: float, key: str | None = None
) -> list[tuple[Any, int, int]]:
    """(the row's `key`, or None; memory strength 0-100; how many rows) for `rows`, as
    memory.memory_strength rates each card, counted by the database."""
    cards = rows.order_by().annotate(
        part=F(key) if key else Value(None, output_field=IntegerField()),
        elapsed=DaysSince("last_review", now),
    )
    try:
        sql, params = cards.values_list("part", "stability", "elapsed").query.sql_with_params()
    except EmptyResultSet:  # e.g. no catalog to look in: nothing to ask the database
        return []
    factor = 0.9 ** (1 / -decay) - 1  # memory.forgetting_curve's
    with connection.cursor() as cursor:
        cursor.execute(STRENGTH_COUNTS.format(rows=sql), (factor, decay, *params))
        return [(part, int(strength), count) for part, strength, count in cursor.fetchall()]


def _histogram(counts: list[tuple[Any, int, int]]) -> list[int]:
    bins = [0] * 10
    for _, strength, cards in counts:
        bins[min(strength // 10, 9)] += cards
    return bins


def _average(counts: list[tuple[Any, int, int]], *, cards: int | None = None) -> int:
    """The rounded mean strength of the counted rows, or over `cards` (the rest count 0)."""
    total = sum(strength * n for _, strength, n in counts)
    cards = sum(n for _, _, n in counts) if cards is None else cards
    return round(total / cards) if cards else 0


# Which study days have a review: one probe of the (user, reviewed_at) index per day, a few
# pages each, rather than reading every review of the horizon (hundreds of thousands for a
# learner with a large collection) to find which days had one.
STUDY_DAYS = """
WITH {days}
SELECT DISTINCT n FROM day WHERE EXISTS (
    SELECT 1 FROM {reviews} AS review
    WHERE review.user_id = %s AND review.reviewed_at >= day.starts
        AND review.reviewed_at < day.ends
)
"""


def _study_days(
    user: User, *, time_zone: str, rollover_hour: int, now: datetime, today: date
) -> set[date]:
    """The study days with a review, from today back to the horizon (its first day counted
    from the horizon on)."""
    horizon = now - timedelta(days=STREAK_HORIZON_DAYS)
    first = study_day_of(horizon, time_zone=time_zone, rollover_hour=rollover_hour)
    segments = [
        ((today - day).days, max(start, horizon), end)
        for day, start, end in study_day_segments(
            first, today, time_zone=time_zone, rollover_hour=rollover_hour
        )
        if end > horizon
    ]
    days_sql, params = study_days_table(segments)
    sql = STUDY_DAYS.format(days=days_sql, reviews=ReviewLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, user.pk))
        return {today - timedelta(days=n) for (n,) in cursor.fetchall()}


def catalog_strengths(user: User, *, now: datetime, decay: float) -> list[dict[str, Any]]:
    """Average memory strength of each catalog in the learner's collection (new cards 0)."""
    catalogs = [
        (catalog.pk, catalog.name, catalog_flashcard_count(catalog))
        for catalog in catalogs_with_card_count(catalogs_in_collection_of(user))
        .order_by("name", "id")
        .only("pk", "name")
    ]
    counts: dict[int, list[tuple[Any, int, int]]] = defaultdict(list)
    progress = CardProgress.objects.filter(
        user=user, flashcard__memberships__catalog_id__in=[pk for pk, _, _ in catalogs]
    )
    for row in strength_counts(
        progress, now=now, decay=decay, key="flashcard__memberships__catalog_id"
    ):
        counts[row[0]].append(row)
    return [
        {
            "catalog": pk,
            "name": name,
            "cards": cards,
            "studied": sum(n for _, _, n in counts[pk]),
            "memory_strength": _average(counts[pk], cards=cards),
        }
        for pk, name, cards in catalogs
    ]


def progress_summary(
    user: User, *, now: datetime, catalog: Catalog | None = None
) -> dict[str, Any]:
    """The spec's summary: what is due, today's work, the streak and the memory at a glance.

    What is due (now, today, the forecast) counts only cards a session would let the
    learner study (`studyable`); what they remember (strengths, levels, leeches) and did
    (reviews, streak, retention) counts every card studied: a revoked share takes away
    the cards, not the memory or the history."""
    study_settings = study_settings_of(user)
    zone, rollover = user.settings.time_zone, study_settings.day_rollover_hour
    decay = memory.decay_of(memory.parameters_of(study_settings))
    today = study_day_of(now, time_zone=zone, rollover_hour=rollover)
    day_start, day_end = study_day_bounds(today, time_zone=zone, rollover_hour=rollover)
    rows = progress_of(user, now=now, catalog=catalog)
    strengths = strength_counts(rows, now=now, decay=decay)
    counts = rows.aggregate(
        leeches=Count("pk", filter=Q(is_leech=True)),
        **{
            f"level_{index}": Count("pk", filter=_stability_between(low, high))
            for index, (low, high) in enumerate(memory.LEVEL_RANGES.values())
        },
    )
    horizon = study_day_bounds(
        today + timedelta(days=FORECAST_DAYS - 1), time_zone=zone, rollover_hour=rollover
    )[1]
    # Due counts per hour of the learner's clock (at most 24 × 30 rows), folded into days,
    # and those due now and today among them: one pass over the rows due in the forecast,
    # each asked once whether the learner may still study it.
    forecast: Counter[date] = Counter()
    due_now = due_today = 0
    for hour, due, now_due, today_due in (
        studyable(progress_of(user, now=now), user, catalog=catalog)
        .filter(suspended=False, due__lt=horizon)
        .order_by()
        .annotate(hour=TruncHour("due", tzinfo=zoneinfo.ZoneInfo(zone)))
        .values("hour")
        .annotate(
            cards=Count("pk"),
            now_due=Count("pk", filter=Q(due__lte=now)),
            today_due=Count("pk", filter=Q(due__lt=day_end)),
        )
        .values_list("hour", "cards", "now_due", "today_due")
    ):
        forecast[max(today, study_day_of(hour, time_zone=zone, rollover_hour=rollover))] += due
        due_now, due_today = due_now + now_due, due_today + today_due
    retention = ReviewLog.objects.filter(
        user=user, reviewed_at__gte=now - timedelta(days=30), state_before__state=CardState.REVIEW
    ).aggregate(  # columns of the partial index of learnt cards' reviews: read from it alone
        total=Count("rating"), recalled=Count("rating", filter=Q(rating__gt=Rating.AGAIN))
    )
    new_left = max(0, study_settings.daily_new_limit - new_cards_started_since(user, day_start))
    summary = {
        "due_now": due_now,
        "due_today": due_today,
        # Counting stops at what today's limit still allows, not at the collection's end.
        "new_available": new_flashcards(user, catalog=catalog)[:new_left].count(),
        "reviews_today": ReviewLog.objects.filter(user=user, reviewed_at__gte=day_start).count(),
        "study_streak": study_streak(
            _study_days(user, time_zone=zone, rollover_hour=rollover, now=now, today=today),
            today=today,
        ),
        "memory_strength_histogram": _histogram(strengths),
        "average_memory_strength": _average(strengths),
        "levels": {
            name: counts[f"level_{index}"]
            for index, name in enumerate(memory.LEVEL_RANGES)
            if counts[f"level_{index}"]
        },
        "forecast": [
            {
                "date": today + timedelta(days=offset),
                "due": forecast.get(today + timedelta(days=offset), 0),
            }
            for offset in range(FORECAST_DAYS)
        ],
        "retention_30d": retention["recalled"] / retention["total"] if retention["total"] else None,
        "leeches": counts["leeches"],
    }
    if catalog is None:
        summary["catalogs"] = catalog_strengths(user, now=now, decay=decay)
    return summary


def catalog_due_counts(user: User, *, now: datetime) -> dict[int, int]:
    """How many of the learner's cards are due now in each catalog of their collection
    (catalogs with none due are left out). A card in a catalog of the collection is one
    the learner may study: the membership is the rule here, not asked again per card."""
    due = progress_of(user, now=now).filter(
        due__lte=now,
        suspended=False,
        flashcard__memberships__catalog__in=catalogs_in_collection_of(user),
    )
    return dict(
        due.order_by()
        .values("flashcard__memberships__catalog")
        .annotate(due=Count("pk"))
        .values_list("flashcard__memberships__catalog", "due")
    )


def leeches_of(
    user: User, *, now: datetime, catalog: Catalog | None = None, limit: int = 10
) -> list[dict[str, Any]]:
    """The learner's leeches on cards they may still open, the most forgotten first: the
    cards worth rewriting or splitting, with their text and memory strength now."""
    decay = learner_decay(user)
    rows = (
        progress_of(user, now=now, catalog=catalog, leech=True)
        .filter(flashcard__in=flashcards_visible_to(user))
        .select_related("flashcard__language")
        .order_by("-lapses", "stability", "id")[:limit]
    )
    return [
        {
            "flashcard": row.flashcard,
            "lapses": row.lapses,
            "memory_strength": memory.memory_strength(
                stability=row.stability, last_review=row.last_review, now=now, decay=decay
            ),
            "level": memory.level_of(row.stability).name,
        }
        for row in rows
    ]


def flashcard_history(user: User, *, flashcard_id: int, now: datetime) -> dict[str, Any]:
    """One card's reviews and its memory-strength curve since it was first studied."""
    decay = learner_decay(user)
    logs = list(
        ReviewLog.objects.filter(user=user, flashcard_id=flashcard_id)
        .select_related("quiz_type")
        .order_by("reviewed_at", "id")
    )
    reviews = []
    curve: list[dict[str, Any]] = []
    for index, log in enumerate(logs):
        after = log.state_after
        due = datetime.fromisoformat(after["due"]) if after.get("due") else None
        stability = after.get("stability")
        reviews.append(
            {
                "reviewed_at": log.reviewed_at,
                "quiz_type": log.quiz_type.code if log.quiz_type else None,
                "quiz_type_name": log.quiz_type.name if log.quiz_type else None,
                "source": log.get_source_display(),
                "rating": log.rating,
                "rating_name": Rating(log.rating).label,
                "correct": log.correct,
                "interval_days": round((due - log.reviewed_at).total_seconds() / 86400, 2)
                if due
                else None,
                "stability": stability,
            }
        )
        until = logs[index + 1].reviewed_at if index + 1 < len(logs) else now
        curve += _curve(log.reviewed_at, until, stability, decay)
    return {"flashcard": flashcard_id, "reviews": reviews, "memory_strength_curve": curve}


CURVE_POINTS = 8


def _curve(start: datetime, end: datetime, stability: float | None, decay: float) -> list[dict]:
    """The strength from one review to the next, sampled at a few points."""
    span = max(end - start, timedelta(0))
    points = []
    for i in range(CURVE_POINTS + 1):
        moment = start + span * i / CURVE_POINTS
        points.append(
            {
                "at": moment,
                "memory_strength": memory.memory_strength(
                    stability=stability, last_review=start, now=moment, decay=decay
                ),
            }
        )
    return points


def dashboard_of(user: User, *, now: datetime) -> dict[str, Any]:
    """The signed-in home page's figures: today's work, memory at a glance, catalogs, leeches."""
    summary = progress_summary(user, now=now)
    due_in = catalog_due_counts(user, now=now)
    catalogs = [row | {"due": due_in.get(row["catalog"], 0)} for row in summary["catalogs"]]
    return {
        "summary": summary,
        "due_later_today": summary["due_today"] - summary["due_now"],
        "limits": daily_limits_used(user, study_settings_of(user), now),
        "catalogs": catalogs,
        "leeches": leeches_of(user, now=now),
        # Nothing studied and no card anywhere: show how to begin instead of empty figures.
        "getting_started": not summary["levels"] and not any(row["cards"] for row in catalogs),
    }
