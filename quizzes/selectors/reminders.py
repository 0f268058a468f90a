"""Reads for the daily reminder: who is due a reminder, how many cards, how long.

Everything here reads many learners at once, so that a run of `send_reminders` costs the
same few queries for ten learners or ten thousand (plus one claim and one mail each).
"""

import math
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core import signing
from django.db.models import Avg, Count, Q, Value
from django.db.models.functions import Least

from accounts.models import User
from quizzes.grading import USUAL_RESPONSE_MS
from quizzes.models import CardProgress, CardState, ReviewLog, StudySettings
from quizzes.selectors.study import studyable_rule
from quizzes.study_days import study_day_of

UNSUBSCRIBE_SALT = "quizzes.reminders.unsubscribe"
# How long a card takes: the learner's average answer time over the last weeks, plus a
# moment to read the feedback; without history, the usual time of a medium quiz type.
PACE_WINDOW = timedelta(days=30)
FEEDBACK_SECONDS = 2.0
DEFAULT_ANSWER_SECONDS = USUAL_RESPONSE_MS[2] / 1000
LONGEST_ANSWER_MS = 60_000  # an answer left open while the learner was away counts this


@dataclass(frozen=True)
class Reminder:
    study_settings: StudySettings  # with user and user.settings joined
    day: date  # the learner's study day the reminder is for
    due: int
    minutes: int


def reminder_moment(day: date, *, time_zone: str, rollover_hour: int, hour: int) -> datetime:
    """When a study day's reminder is due: the first `hour` o'clock in the learner's time
    zone inside that study day (the next calendar day when `hour` is before the rollover)."""
    calendar_day = day if hour >= rollover_hour else day + timedelta(days=1)
    return datetime.combine(calendar_day, time(hour), tzinfo=zoneinfo.ZoneInfo(time_zone))


def reminders_due(now: datetime) -> list[Reminder]:
    """Opted-in active learners past their reminder hour, not reminded yet this study day,
    with cards due now. Three queries whatever the number of learners."""
    waiting: dict[int, tuple[StudySettings, date]] = {}
    candidates = StudySettings.objects.filter(
        reminders_enabled=True, user__is_active=True
    ).select_related("user__settings")
    for study_settings in candidates:
        zone, rollover = study_settings.user.settings.time_zone, study_settings.day_rollover_hour
        day = study_day_of(now, time_zone=zone, rollover_hour=rollover)
        if study_settings.reminded_on == day:
            continue
        moment = reminder_moment(
            day, time_zone=zone, rollover_hour=rollover, hour=study_settings.reminder_hour
        )
        if now >= moment:
            waiting[study_settings.user_id] = (study_settings, day)
    if not waiting:
        return []
    due = _due_counts(list(waiting), now)
    paces = _answer_seconds(list(due), now)
    reminders = []
    for user_id, (study_settings, day) in waiting.items():
        learning, review = due.get(user_id, (0, 0))
        # The session stops at the daily review limit; steps of (re)learning cards do not.
        count = learning + min(review, study_settings.daily_review_limit)
        if count:
            seconds = count * (paces.get(user_id, DEFAULT_ANSWER_SECONDS) + FEEDBACK_SECONDS)
            minutes = max(1, math.ceil(seconds / 60))
            reminders.append(Reminder(study_settings, day, count, minutes))
    return reminders


def _due_counts(user_ids: list[int], now: datetime) -> dict[int, tuple[int, int]]:
    """Per learner: cards due in (re)learning steps, and cards due in the Review state,
    of the cards each may still study."""
    rows = (
        CardProgress.objects.filter(
            user_id__in=user_ids,
            due__lte=now,
            suspended=False,
            state__in=(CardState.LEARNING, CardState.RELEARNING, CardState.REVIEW),
        )
        .values("user_id", "state")
        # The rule in the count, not the WHERE: PostgreSQL then asks it of each due row
        # through the card's primary key, where as a join it hashed every card there is.
        .annotate(cards=Count("id", filter=Q(studyable_rule(None))))
        .order_by()
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        counts[row["user_id"]][row["state"] == CardState.REVIEW] += row["cards"]
    return {user_id: (learning, review) for user_id, (learning, review) in counts.items()}


def _answer_seconds(user_ids: list[int], now: datetime) -> dict[int, float]:
    rows = (
        ReviewLog.objects.filter(
            user_id__in=user_ids, reviewed_at__gte=now - PACE_WINDOW, response_ms__isnull=False
        )
        .values("user_id")
        .annotate(average=Avg(Least("response_ms", Value(LONGEST_ANSWER_MS))))
        .order_by()
    )
    return {row["user_id"]: row["average"] / 1000 for row in rows}


def unsubscribe_token(user: User) -> str:
    """A signed token naming the learner: the mail's unsubscribe link, no login needed."""
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_of_unsubscribe_token(token: str) -> User | None:
    """The learner a token was made for, or None for a forged, damaged or stale token."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id).first()
