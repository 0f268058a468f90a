"""Study days: a learner's day starts at their rollover hour, in their time zone."""

import itertools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta


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


QUARTER_HOUR = timedelta(minutes=15)
CLOCK_CHANGE_MARGIN = timedelta(hours=3)  # more than any clock change moves a day's start


def study_day_segments(
    first: date, last: date, *, time_zone: str, rollover_hour: int
) -> list[tuple[date, datetime, datetime]]:
    """Spans of time (UTC, in order) covering the study days `first` to `last`, each wholly
    on the day study_day_of gives its moments: one a day, from study_day_bounds, except
    around a clock change, where the start is found quarter hour by quarter hour (every
    zone's offset is a whole number of them), and an hour the clocks fall back over the
    rollover can belong to the day before again."""
    zone = zoneinfo.ZoneInfo(time_zone)
    changes: list[tuple[datetime, date]] = []
    for n in range((last - first).days + 2):  # the day after `last`: where it ends
        day = first + timedelta(days=n)
        start = study_day_bounds(day, time_zone=time_zone, rollover_hour=rollover_hour)[0]
        start = start.astimezone(UTC)
        low, high = start - CLOCK_CHANGE_MARGIN, start + CLOCK_CHANGE_MARGIN
        if low.astimezone(zone).utcoffset() == high.astimezone(zone).utcoffset():
            changes.append((start, day))
            continue
        moment = low
        while moment < high:
            changes.append(
                (moment, study_day_of(moment, time_zone=time_zone, rollover_hour=rollover_hour))
            )
            moment += QUARTER_HOUR
    segments: list[tuple[date, datetime, datetime]] = []
    for (start, day), (end, _) in itertools.pairwise(changes):
        if not first <= day <= last:
            continue
        if segments and segments[-1][0] == day and segments[-1][2] == start:
            segments[-1] = (day, segments[-1][1], end)
        else:
            segments.append((day, start, end))
    return segments
