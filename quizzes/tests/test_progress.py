"""The progress selectors, on hand-made histories."""

from datetime import UTC, datetime

import pytest

from quizzes.models import Rating
from quizzes.selectors.progress import progress_summary
from quizzes.selectors.settings import study_settings_of
from quizzes.services.reviews import review_record

pytestmark = pytest.mark.django_db


def test_the_study_streak_counts_days_on_a_half_hour_clock(learner, card):
    """Kolkata is UTC+5:30; with the day starting at 04:00 there, a review at 04:15 is on
    the new day, although in UTC it falls in the hour that began before the rollover."""
    learner.settings.time_zone = "Asia/Kolkata"
    learner.settings.save()
    study_settings = study_settings_of(learner)
    study_settings.day_rollover_hour = 4
    study_settings.save()
    for at in (datetime(2026, 3, 1, 6, 30, tzinfo=UTC), datetime(2026, 3, 2, 22, 45, tzinfo=UTC)):
        review_record(user=learner, flashcard_id=card.pk, rating=Rating.GOOD, reviewed_at=at)

    # 2 March 22:45 UTC is 3 March 04:15 in Kolkata: a new study day; 2 March had none.
    summary = progress_summary(learner, now=datetime(2026, 3, 3, 6, 30, tzinfo=UTC))

    assert summary["study_streak"] == 1
