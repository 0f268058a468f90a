"""What the statistics page charts: the review heatmap, weekly retention, memory strength per
catalog, and how memory would fade if the learner stopped studying now.

Nothing here loads every review or every card into Python.

Reviews are counted in the database per study day of the year shown (at most 365 rows,
whatever the number of reviews): Python gives each day's span of time by
`study_day_segments`, which follows `study_day_of`, the one definition of a study day (time
zone, rollover hour, DST), and the database counts the reviews in each range of the (user,
reviewed_at) index, so no time-zone conversion runs per review.

Memory strength is a power curve of each card's time since its last review over its
stability. Evaluating it in SQL for the 90-day prediction would be 91 powers per card on
every request; instead the cards are grouped in the database by what the curve depends on,
both on a logarithmic scale: stability, and elapsed time in units of stability
(`ln(1 + elapsed / stability)`), in buckets 1/BUCKETS_PER_E wide (about 13 % apart). Each
group brings its size and its cards' average stability and elapsed days, and Python
evaluates the curve (`memory.forgetting_curve`) once per group and day. The groups are
bounded by the buckets, not by the cards: about 700 for 100,000 cards spread from hours to
years, where the prediction takes a tenth of a second and differs from the card-by-card
average by less than its one decimal; a group of one card is that card, exactly.
"""

import json
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Floor, Greatest, Ln

from accounts.models import User
from decks.models import Catalog, CatalogFlashcard
from decks.selectors import (
    catalog_flashcard_count,
    catalogs_in_collection_of,
    catalogs_with_card_count,
)
from quizzes import memory
from quizzes.models import CardProgress, CardState, Rating, ReviewLog, StudySettings
from quizzes.selectors.settings import study_settings_of
from quizzes.study_days import study_day_of, study_day_segments

HEATMAP_DAYS = 365
PREDICTION_DAYS = 90
BUCKETS_PER_E = 8

IN_REVIEW = Q(state_before__state=CardState.REVIEW)
RECALLED = IN_REVIEW & Q(rating__gt=Rating.AGAIN)


SQL = tuple[str, tuple[Any, ...]]


class DaysSince(Func):
    """Fractional days from a datetime column to a moment, computed by the database."""

    output_field = FloatField()

    def __init__(self, column: str, moment: datetime) -> None:
        super().__init__(F(column), Value(moment, output_field=DateTimeField()))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> SQL:
        (column, moment), params = _compiled(self, compiler)
        return f"(julianday({moment}) - julianday({column}))", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> SQL:
        (column, moment), params = _compiled(self, compiler)
        # date_part is double precision; EXTRACT's numeric is several times slower.
        return f"(date_part('epoch', {moment} - {column}) / 86400.0)", params


def _compiled(func: Func, compiler: Any) -> tuple[list[str], tuple[Any, ...]]:
    sql, params = [], []
    for expression in func.get_source_expressions():
        part, part_params = compiler.compile(expression)
        sql.append(part)
        params.extend(part_params)
    return sql, tuple(params)


def _cards_of(catalog: Catalog) -> QuerySet[CatalogFlashcard, Any]:
    return CatalogFlashcard.objects.filter(catalog=catalog).values("flashcard_id")


# Reviews: the heatmap and weekly retention


def study_days_table(days: list[tuple[int, datetime, datetime]]) -> tuple[str, list[Any]]:
    """Spans of study days as a table for SQL of our own, `day (n, starts, ends)`, from
    study_day_segments: the database then finds each day's reviews by a range of the
    (user, reviewed_at) index.

    The days go as arrays on PostgreSQL (whose planner reads their length) and as one JSON
    array on SQLite, not as a VALUES list: that was 1,200 parameters, and splitting a
    statement that long for its parameters (psycopg caches only short ones) cost more
    Python than the summary's other queries together."""
    if connection.vendor == "postgresql":
        columns = [list(column) for column in zip(*days, strict=True)] or [[], [], []]
        return (
            "day (n, starts, ends) AS "
            "(SELECT * FROM unnest(%s::int[], %s::timestamptz[], %s::timestamptz[]))",
            columns,
        )
    adapt = connection.ops.adapt_datetimefield_value
    rows = [[n, adapt(start), adapt(end)] for n, start, end in days]
    return (
        "day (n, starts, ends) AS (SELECT json_extract(value, '$[0]'), "
        "json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(%s))",
        [json.dumps(rows)],
    )


# Reviews counted per study day by the database: at most 365 rows whatever the number of
# reviews, each day's reviews counted in a range of an index rather than every review of
# the year grouped by an expression (which PostgreSQL, unable to estimate its groups,
# sorted on disk). On PostgreSQL, LATERAL makes it one range a day (a plain join let it
# compare every review of the year with every day: 33 s for 400,000 reviews), and each
# count reads only an index: all reviews from (user, reviewed_at), those of learnt cards
# and their ratings from the partial quizzes_review_learnt_time, so no review's row (a
# page each) is read. SQLite has no LATERAL and walks its index a day at a time anyway.
REVIEWS_PER_DAY = {
    "postgresql": """
WITH {days}
SELECT day.n, total.reviews, learnt.reviews, learnt.recalled
FROM day
CROSS JOIN LATERAL (
    SELECT COUNT(*) AS reviews FROM ({reviews}) AS review
    WHERE review.reviewed_at >= day.starts AND review.reviewed_at < day.ends
) AS total
CROSS JOIN LATERAL (
    SELECT COUNT(*) AS reviews, COALESCE(SUM(review.recalled), 0) AS recalled
    FROM ({learnt}) AS review
    WHERE review.reviewed_at >= day.starts AND review.reviewed_at < day.ends
) AS learnt
WHERE total.reviews > 0
""",
    "sqlite": """
WITH {days}
SELECT day.n, COUNT(*), SUM(review.in_review), SUM(review.recalled)
FROM day JOIN ({annotated}) AS review
    ON review.reviewed_at >= day.starts AND review.reviewed_at < day.ends
GROUP BY day.n
""",
}


def _one_if(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _reviews_per_day(
    user: User, *, days: list[tuple[int, datetime, datetime]], catalog: Catalog | None
) -> list[tuple[int, int, int, int]]:
    """(day index, reviews, reviews in Review state, of those recalled) of days with any."""
    reviews = ReviewLog.objects.filter(
        user=user, reviewed_at__gte=days[0][1], reviewed_at__lt=days[-1][2]
    ).order_by()
    if catalog is not None:
        reviews = reviews.filter(flashcard_id__in=_cards_of(catalog))
    recalled = _one_if(Q(rating__gt=Rating.AGAIN))
    parts = {
        "reviews": reviews.values_list("reviewed_at"),
        "learnt": reviews.filter(IN_REVIEW)
        .annotate(recalled=recalled)
        .values_list("reviewed_at", "recalled"),
        "annotated": reviews.annotate(
            in_review=_one_if(IN_REVIEW), recalled=_one_if(RECALLED)
        ).values_list("reviewed_at", "in_review", "recalled"),
    }
    template = REVIEWS_PER_DAY[connection.vendor]
    sql, params = study_days_table(days)
    compiled = {}
    for name, part in parts.items():  # in the order the templates use them
        if "{" + name + "}" in template:
            part_sql, part_params = part.query.sql_with_params()
            compiled[name] = part_sql
            params += part_params
    with connection.cursor() as cursor:
        cursor.execute(template.format(days=sql, **compiled), params)
        rows = cursor.fetchall()
    return [(n, total, int(in_review), int(recalled)) for n, total, in_review, recalled in rows]


def review_activity(
    user: User, *, now: datetime, study_settings: StudySettings, catalog: Catalog | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Reviews on each study day of the last year (today included, oldest first) and, for
    each week (Monday first) of that year, the share of reviews of cards in Review state
    that were recalled (rated Hard or better); `retention` is None for a week without any.
    """
    zone, rollover = user.settings.time_zone, study_settings.day_rollover_hour
    today = study_day_of(now, time_zone=zone, rollover_hour=rollover)
    days = [today - timedelta(days=n) for n in range(HEATMAP_DAYS - 1, -1, -1)]
    index = {day: n for n, day in enumerate(days)}
    segments = [
        (index[day], start, end)
        for day, start, end in study_day_segments(
            days[0], today, time_zone=zone, rollover_hour=rollover
        )
    ]
    per_day = dict.fromkeys(days, 0)
    per_week = {_monday(day): [0, 0] for day in days}
    for n, reviews, in_review, recalled in _reviews_per_day(user, days=segments, catalog=catalog):
        day = days[n]
        per_day[day] += reviews
        tally = per_week[_monday(day)]
        tally[0] += in_review
        tally[1] += recalled
    return {
        "reviews_per_day": [{"date": day, "reviews": n} for day, n in per_day.items()],
        "retention_per_week": [
            {
                "week": week,
                "reviews": total,
                "recalled": recalled,
                "retention": recalled / total if total else None,
            }
            for week, (total, recalled) in per_week.items()
        ],
    }


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# Memory: cards grouped by what their forgetting curve depends on


def _level_index() -> Case:
    """The card's index in memory.LEVEL_NAMES, as memory.level_of decides it."""
    finite = [level for level in memory.LEVELS if level.below_days != float("inf")]
    return Case(
        When(stability__isnull=True, then=Value(0)),
        *(
            When(stability__lt=level.below_days, then=Value(index))
            for index, level in enumerate(finite, start=1)
        ),
        default=Value(len(memory.LEVELS)),
        output_field=IntegerField(),
    )


def _memory_groups(
    rows: QuerySet[CardProgress], *, now: datetime, keys: dict[str, Any]
) -> QuerySet[CardProgress, dict[str, Any]]:
    """Progress rows grouped by `keys` and the two curve buckets, with each group's size and
    average stability and elapsed days; a card without a memory has null buckets."""
    with_memory = Q(stability__gt=0, last_review__isnull=False)
    return (
        rows.annotate(elapsed=Greatest(DaysSince("last_review", now), Value(0.0)))
        .annotate(
            **keys,
            stability_bucket=Case(
                When(with_memory, then=Floor(Ln("stability") * BUCKETS_PER_E)),
                output_field=FloatField(),
            ),
            elapsed_bucket=Case(
                When(
                    with_memory,
                    then=Floor(Ln(Value(1.0) + F("elapsed") / F("stability")) * BUCKETS_PER_E),
                ),
                output_field=FloatField(),
            ),
        )
        .order_by()
        .values(*keys, "stability_bucket", "elapsed_bucket")
        .annotate(cards=Count("id"), mean_stability=Avg("stability"), mean_elapsed=Avg("elapsed"))
    )


def _retrievability(group: dict[str, Any], *, days_later: float, decay: float) -> float:
    """memory.retrievability of the group's average card, `days_later` than the query's now."""
    if group["stability_bucket"] is None:
        return 0.0
    return memory.forgetting_curve(
        group["mean_elapsed"] + days_later, stability=group["mean_stability"], decay=decay
    )


def _studied(user: User) -> QuerySet[CardProgress]:
    return CardProgress.objects.filter(user=user).exclude(state=CardState.NEW)


def catalog_memory(
    user: User, *, now: datetime, study_settings: StudySettings, catalog: Catalog | None = None
) -> list[dict[str, Any]]:
    """Each catalog of the learner's collection (or just `catalog`): its cards, how many are
    studied, the average memory strength (0-100, new cards count 0, as in the progress
    summary) and the cards at each level, New included."""
    catalogs = (
        Catalog.objects.filter(pk=catalog.pk)
        if catalog is not None
        else catalogs_in_collection_of(user)
    )
    # Sizes from the counter the database keeps, not by counting every membership.
    listed = list(catalogs_with_card_count(catalogs).order_by("name", "id").only("pk", "name"))
    names = {catalog.pk: catalog.name for catalog in listed}
    sizes = {catalog.pk: catalog_flashcard_count(catalog) for catalog in listed}
    decay = memory.decay_of(memory.parameters_of(study_settings))
    rows = _studied(user).filter(flashcard__memberships__catalog_id__in=list(names))
    groups = _memory_groups(
        rows,
        now=now,
        keys={"catalog": F("flashcard__memberships__catalog_id"), "level": _level_index()},
    )
    recall = dict.fromkeys(names, 0.0)
    levels = {pk: dict.fromkeys(memory.LEVEL_NAMES, 0) for pk in names}
    for group in groups:
        recall[group["catalog"]] += group["cards"] * _retrievability(
            group, days_later=0, decay=decay
        )
        levels[group["catalog"]][memory.LEVEL_NAMES[group["level"]]] += group["cards"]
    result = []
    for pk, name in names.items():
        cards = sizes.get(pk, 0)
        studied = sum(levels[pk].values())
        levels[pk][memory.LEVEL_NEW.name] += cards - studied
        result.append(
            {
                "catalog": pk,
                "name": name,
                "cards": cards,
                "studied": studied,
                "memory_strength": round(100 * recall[pk] / cards) if cards else 0,
                "levels": levels[pk],
            }
        )
    return result


def predicted_memory_strength(
    user: User, *, now: datetime, study_settings: StudySettings, catalog: Catalog | None = None
) -> dict[str, Any]:
    """The average memory strength (0-100, one decimal) of the learner's studied cards (or
    those of `catalog`) today and on each of the next 90 days if no card were reviewed again:
    each card's forgetting curve from its stability and last review, sampled a day apart.
    New cards have no memory to lose and are left out, as in the progress summary."""
    decay = memory.decay_of(memory.parameters_of(study_settings))
    zone, rollover = user.settings.time_zone, study_settings.day_rollover_hour
    today = study_day_of(now, time_zone=zone, rollover_hour=rollover)
    rows = _studied(user)
    if catalog is not None:
        rows = rows.filter(flashcard_id__in=_cards_of(catalog))
    groups = list(_memory_groups(rows, now=now, keys={}))
    cards = sum(group["cards"] for group in groups)
    days = []
    for offset in range(PREDICTION_DAYS + 1):
        recall = sum(
            group["cards"] * _retrievability(group, days_later=offset, decay=decay)
            for group in groups
        )
        days.append(
            {
                "date": today + timedelta(days=offset),
                "memory_strength": round(100 * recall / cards, 1) if cards else 0.0,
            }
        )
    return {"cards": cards, "days": days}


def statistics_of(user: User, *, now: datetime, catalog: Catalog | None = None) -> dict[str, Any]:
    """Everything the statistics page charts, for the whole collection or one catalog."""
    study_settings = study_settings_of(user)
    return {
        "catalog": catalog.pk if catalog is not None else None,
        "time_zone": user.settings.time_zone,
        "day_rollover_hour": study_settings.day_rollover_hour,
        "desired_retention": study_settings.desired_retention,
        **review_activity(user, now=now, study_settings=study_settings, catalog=catalog),
        "catalogs": catalog_memory(user, now=now, study_settings=study_settings, catalog=catalog),
        "prediction": predicted_memory_strength(
            user, now=now, study_settings=study_settings, catalog=catalog
        ),
    }
