"""Hot paths cost the same number of queries for 100 cards as for 10,000."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decks.models import CatalogFlashcard, Flashcard, normalize_front
from decks.tests.factories import CatalogFactory
from quizzes.models import CardProgress, CardState, QuizQuestion, ReviewLog

pytestmark = pytest.mark.django_db


def collection(learner, language, size):
    """A catalog of `size` cards, nine in ten studied (half of those due), with history."""
    catalog = CatalogFactory(owner=learner, language=language)
    now = timezone.now()
    cards = Flashcard.objects.bulk_create(
        Flashcard(
            front=f"palabra {i}",
            front_normalized=normalize_front(f"palabra {i}"),
            back=f"word {i}",
            language=language,
            owner=learner,
        )
        for i in range(size)
    )
    CatalogFlashcard.objects.bulk_create(
        CatalogFlashcard(catalog=catalog, flashcard=card, front_normalized=card.front_normalized)
        for card in cards
    )
    studied = cards[: size * 9 // 10]
    CardProgress.objects.bulk_create(
        CardProgress(
            user=learner,
            flashcard=card,
            state=CardState.REVIEW,
            stability=1 + i % 50,
            difficulty=5,
            last_review=now - timedelta(days=1 + i % 40),
            due=now + timedelta(days=(i % 60) - 30),
            reps=3,
        )
        for i, card in enumerate(studied)
    )
    ReviewLog.objects.bulk_create(
        ReviewLog(
            user=learner,
            flashcard=card,
            rating=3,
            reviewed_at=now - timedelta(days=1 + i % 40),  # none today: the limits are untouched
            state_before={"state": CardState.REVIEW},
            state_after={},
        )
        for i, card in enumerate(studied)
    )
    return catalog


def queries(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code < 300, response.content[:500]
    return len(captured)


def hot_paths(client, catalog):
    quiz = client.post("/api/v1/quizzes/", {"catalog": catalog.pk, "size": 20}, format="json")
    quiz_id = quiz.json()["id"]
    question = QuizQuestion.objects.filter(quiz_id=quiz_id).order_by("position").first()
    answer = question.expected_answer  # right, whatever the type: no step-down queries
    body = {"question": question.pk, "answer": answer, "rating": 3, "response_ms": 2000}
    return {
        "quiz": queries(
            lambda: client.post("/api/v1/quizzes/", {"catalog": catalog.pk}, format="json")
        ),
        "quiz detail": queries(lambda: client.get(f"/api/v1/quizzes/{quiz_id}/")),
        "answer": queries(
            lambda: client.post(f"/api/v1/quizzes/{quiz_id}/answers/", body, format="json")
        ),
        "progress": queries(lambda: client.get("/api/v1/progress/?due=now")),
        "summary": queries(lambda: client.get("/api/v1/progress/summary/")),
        "catalog summary": queries(
            lambda: client.get(f"/api/v1/progress/summary/?catalog={catalog.pk}")
        ),
    }


def test_query_counts_do_not_grow_with_the_collection(learner, spanish, quiz_types, api_client):
    from accounts.tests.factories import UserFactory

    small_learner, large_learner = learner, UserFactory()
    counts = {}
    for name, user, size in (("small", small_learner, 100), ("large", large_learner, 10_000)):
        catalog = collection(user, spanish, size)
        api_client.force_authenticate(user)
        counts[name] = hot_paths(api_client, catalog)

    assert counts["small"] == counts["large"]
    assert max(counts["large"].values()) <= 30, counts
    # What drawing a quiz and answering came down to (docs/performance.md, the study loop).
    assert counts["large"]["quiz"] <= 15, counts
    assert counts["large"]["answer"] <= 13, counts
