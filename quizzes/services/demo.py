"""Development data for quizzes: a few weeks of study for the demo learners."""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from decks.models import Flashcard
from decks.selectors import catalogs_in_collection_of
from quizzes.models import QuizType, ReviewLog
from quizzes.services.reviews import review_record

DEMO_DAYS = 21
# How often each demo learner gets a card right: their memories differ.
DEMO_RECALL = {"alice": 0.9, "bruno": 0.75, "chen": 0.6}


@transaction.atomic
def demo_reviews_load(*, now: datetime | None = None) -> int:
    """Study the demo learners' cards over the last three weeks through the review service,
    as the quizzes would have; returns the reviews made. Learners who already have
    reviews are left alone, so running it again adds nothing."""
    now = now or timezone.now()
    chance = random.Random(2026)  # noqa: S311 - demo data, not security
    quiz_types = list(QuizType.objects.exclude(code="flip"))
    made = 0
    for username, recall in DEMO_RECALL.items():
        user = User.objects.filter(username__iexact=username).first()
        if user is None or ReviewLog.objects.filter(user=user).exists():
            continue
        cards = Flashcard.objects.filter(
            memberships__catalog__in=catalogs_in_collection_of(user)
        ).distinct()
        for card in cards:
            at = now - timedelta(days=DEMO_DAYS, hours=chance.uniform(0, 12))
            # Stop two days short, so that some cards are due when the demo starts.
            while at < now - timedelta(days=2):
                right = chance.random() < recall
                outcome = review_record(
                    user=user,
                    flashcard_id=card.pk,
                    rating=chance.choice((3, 3, 4)) if right else 1,
                    reviewed_at=at,
                    correct=right,
                    response_ms=chance.randint(1500, 9000),
                    quiz_type=chance.choice(quiz_types) if quiz_types else None,
                )
                made += 1
                at = max(outcome.progress.due or now, at + timedelta(minutes=10))
    return made
