"""Study days: a learner's day starts at their rollover hour, in their time zone."""

import zoneinfo
from datetime import date, datetime, time, timedelta


def study_day_of(moment: datetime, *, time_zone: str, rollover_hour: int) -> date:
    """The study day a moment belongs to (before the rollover hour it is still yesterday)."""
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    return (local - timedelta(hours=rollover_hour)).date()


def study_day_bounds(day: date, *, time_zone: str, rollover_hour: int) -> tuple[datetime, datetime]:
    """When a study day starts and when the next one starts, as aware datetimes."""
    zone = zoneinfo.ZoneInfo(time_zone)
    start = datetime.combine(day, time(rollover_hour), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(rollover_hour), tzinfo=zone)
    return start, end


def study_streak(days: set[date], *, today: date) -> int:
    """Consecutive study days with a review, ending today (or yesterday, if today has none
    yet: the streak is not lost before the day is over)."""
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak
