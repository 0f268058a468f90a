"""A mobile client studies through the API: quiz, answers, offline sync, progress."""

import uuid
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.tests.factories import UserFactory
from decks.models import Catalog
from decks.services.catalogs import catalog_update
from decks.services.flashcards import catalog_flashcard_remove
from decks.services.sharing import share_revoke
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory
from quizzes.models import CardProgress, QuizQuestion, ReviewLog
from quizzes.tests.conftest import START

pytestmark = pytest.mark.django_db

QUIZZES = "/api/v1/quizzes/"
SYNC = "/api/v1/reviews/sync/"
PROGRESS = "/api/v1/progress/"
SUMMARY = "/api/v1/progress/summary/"


def start_quiz(client, deck, **body):
    response = client.post(QUIZZES, {"catalog": deck.pk} | body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def right_answer(question):
    db = QuizQuestion.objects.get(pk=question["id"])
    return db.expected_answer


def test_a_quiz_never_shows_the_answers_of_unanswered_questions(learner_api_client, deck):
    quiz = start_quiz(learner_api_client, deck, size=10, quiz_types=["typed", "multiple_choice"])

    assert len(quiz["questions"]) == 10
    for question in quiz["questions"]:
        assert question["answered"] is False
        assert question["result"] is None
        assert question["reveal"] is None
        assert set(question) >= {"id", "flashcard", "quiz_type", "prompt", "choices", "answered"}
        text = str({k: v for k, v in question.items() if k not in ("choices",)})
        assert right_answer(question) not in text


def test_the_quiz_loop_answer_then_read_the_result_in_the_quiz(learner_api_client, deck):
    quiz = start_quiz(learner_api_client, deck, size=2, quiz_types=["typed"])
    question = quiz["questions"][0]

    answer = learner_api_client.post(
        f"{QUIZZES}{quiz['id']}/answers/",
        {"question": question["id"], "answer": right_answer(question), "response_ms": 6000},
        format="json",
    )

    assert answer.status_code == 200
    result = answer.json()
    assert set(result) >= {
        "correct",
        "expected",
        "rating",
        "memory_strength",
        "level",
        "next_due",
        "streak",
    }
    assert result["correct"] is True
    assert result["rating"] == 3
    assert result["memory_strength"] == 100
    again = learner_api_client.get(f"{QUIZZES}{quiz['id']}/").json()
    assert again["answered"] == 1
    assert again["score"] == 1.0
    assert again["questions"][0]["result"]["correct"] is True
    assert again["questions"][1]["result"] is None


def test_a_flip_question_carries_its_back_and_when_each_rating_brings_it_back(
    learner_api_client, deck
):
    quiz = start_quiz(learner_api_client, deck, size=1, quiz_types=["flip"])
    question = quiz["questions"][0]

    assert question["reveal"] == right_answer(question)
    preview = question["preview"]
    assert set(preview) == {"1", "2", "3", "4"}
    due = {rating: datetime.fromisoformat(at) for rating, at in preview.items()}
    assert due["1"] < due["2"] < due["3"] < due["4"]
    result = learner_api_client.post(
        f"{QUIZZES}{quiz['id']}/answers/", {"question": question["id"], "rating": 3}, format="json"
    ).json()
    assert abs(datetime.fromisoformat(result["next_due"]) - due["3"]) < timedelta(seconds=5)


def test_answering_twice_is_a_409_with_the_first_result(learner_api_client, deck):
    quiz = start_quiz(learner_api_client, deck, size=1, quiz_types=["typed"])
    question = quiz["questions"][0]
    url = f"{QUIZZES}{quiz['id']}/answers/"
    first = learner_api_client.post(
        url, {"question": question["id"], "answer": "nope"}, format="json"
    )

    second = learner_api_client.post(
        url, {"question": question["id"], "answer": right_answer(question)}, format="json"
    )

    assert second.status_code == 409
    assert second.json()["result"] == first.json()
    assert ReviewLog.objects.count() == 1


def test_the_same_answer_sent_again_with_its_review_id_is_answered_the_same(
    learner_api_client, deck
):
    quiz = start_quiz(learner_api_client, deck, size=1, quiz_types=["typed"])
    body = {
        "question": quiz["questions"][0]["id"],
        "answer": "x",
        "client_review_id": str(uuid.uuid4()),
    }
    url = f"{QUIZZES}{quiz['id']}/answers/"

    first = learner_api_client.post(url, body, format="json")
    retry = learner_api_client.post(url, body, format="json")

    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert ReviewLog.objects.count() == 1


def test_another_learners_quiz_is_not_found(learner_api_client, deck):
    quiz = start_quiz(learner_api_client, deck, size=1)
    stranger = UserFactory()
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(stranger)

    assert client.get(f"{QUIZZES}{quiz['id']}/").status_code == 404
    answer = client.post(
        f"{QUIZZES}{quiz['id']}/answers/",
        {"question": quiz["questions"][0]["id"], "answer": "x"},
        format="json",
    )
    assert answer.status_code == 404
    assert answer.json()["detail"]
    assert ReviewLog.objects.count() == 0


def test_a_private_catalog_of_someone_else_cannot_be_studied(learner_api_client, quiz_types):
    private = CatalogFactory(visibility=Catalog.Visibility.PRIVATE)
    CatalogFlashcardFactory(catalog=private)

    response = learner_api_client.post(QUIZZES, {"catalog": private.pk}, format="json")

    assert response.status_code == 404


def test_a_public_catalog_is_studied_without_copying_it(learner_api_client, learner, quiz_types):
    public = CatalogFactory(visibility=Catalog.Visibility.PUBLIC)
    for _ in range(3):
        CatalogFlashcardFactory(catalog=public)

    quiz = start_quiz(learner_api_client, public, size=3)

    assert len(quiz["questions"]) == 3
    assert learner.catalogs.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"size": 0}, "size"),
        ({"size": 10_000}, "size"),
        ({"size": "many"}, "size"),
        ({"difficulty": 4}, "difficulty"),
        ({"quiz_types": "typed"}, "quiz_types"),
        ({"catalog": "abc"}, "catalog"),
    ],
)
def test_bad_quiz_requests_are_field_errors(learner_api_client, deck, body, field):
    response = learner_api_client.post(QUIZZES, {"catalog": deck.pk} | body, format="json")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"question": 999_999, "answer": "x"}, None),
        ({"question": "one", "answer": "x"}, "question"),
        ({"question": None, "answer": "x"}, "question"),
        ({"answer": "x", "rating": 5}, "rating"),
        ({"answer": "x", "client_review_id": "not-a-uuid"}, "client_review_id"),
        ({"answer": "x", "response_ms": -5}, "response_ms"),
    ],
)
def test_bad_answers_are_4xx_and_change_nothing(learner_api_client, deck, body, field):
    quiz = start_quiz(learner_api_client, deck, size=1, quiz_types=["typed"])
    body = {"question": quiz["questions"][0]["id"]} | body
    body = {key: value for key, value in body.items() if value is not None}

    response = learner_api_client.post(f"{QUIZZES}{quiz['id']}/answers/", body, format="json")

    assert 400 <= response.status_code < 500
    if field:
        assert field in response.json()
    assert ReviewLog.objects.count() == 0
    assert CardProgress.objects.count() == 0


def test_quiz_history_is_paginated_newest_first(learner_api_client, deck):
    first = start_quiz(learner_api_client, deck, size=1)
    second = start_quiz(learner_api_client, deck, size=1)

    body = learner_api_client.get(QUIZZES).json()

    assert body["count"] == 2
    assert [quiz["id"] for quiz in body["results"]] == [second["id"], first["id"]]


def test_quiz_types_are_listed(learner_api_client, quiz_types):
    codes = [t["code"] for t in learner_api_client.get("/api/v1/quiz-types/").json()]

    assert codes[0] == "flip"
    assert set(codes) == {
        "flip",
        "multiple_choice",
        "true_false",
        "reverse_choice",
        "typed",
        "reverse_typed",
    }


# --- Offline sync ----------------------------------------------------------------


def sync_item(card, at, rating=3, **extra):
    return {
        "client_review_id": str(uuid.uuid4()),
        "flashcard": card.pk,
        "rating": rating,
        "reviewed_at": at.isoformat(),
        "response_ms": 2500,
    } | extra


def test_offline_reviews_are_applied_in_time_order_and_answered_per_item(learner_api_client, deck):
    cards = [m.flashcard for m in deck.memberships.order_by("id")[:2]]
    now = timezone.now()
    later = sync_item(cards[0], now - timedelta(minutes=5))
    earlier = sync_item(cards[0], now - timedelta(minutes=20))
    other = sync_item(cards[1], now - timedelta(minutes=10), rating=1)

    response = learner_api_client.post(SYNC, [later, earlier, other], format="json")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["client_review_id"] for r in results] == [
        later["client_review_id"],
        earlier["client_review_id"],
        other["client_review_id"],
    ]
    assert {r["status"] for r in results} == {"applied"}
    logs = ReviewLog.objects.filter(flashcard=cards[0]).order_by("reviewed_at")
    assert [log.state_before["state"] for log in logs] == [0, 1]
    assert all(log.source == "sync" for log in logs)


def test_a_batch_sent_twice_changes_nothing_the_second_time(learner_api_client, deck, card):
    batch = [sync_item(card, timezone.now() - timedelta(minutes=m)) for m in (30, 20, 10)]
    learner_api_client.post(SYNC, batch, format="json")
    state = CardProgress.objects.values().get()

    again = learner_api_client.post(SYNC, {"reviews": batch}, format="json").json()["results"]

    assert {r["status"] for r in again} == {"duplicate"}
    assert CardProgress.objects.values().get() == state
    assert ReviewLog.objects.count() == 3


def test_items_that_cannot_be_applied_are_rejected_with_a_reason(learner_api_client, deck, card):
    foreign = CatalogFlashcardFactory(catalog=CatalogFactory()).flashcard
    now = timezone.now()
    batch = [
        sync_item(card, now + timedelta(hours=1)),
        sync_item(foreign, now - timedelta(minutes=1)),
        sync_item(card, card.created_at - timedelta(days=1)),
        sync_item(card, now - timedelta(minutes=1), quiz_type="juggling"),
        sync_item(card, now - timedelta(minutes=1)),
    ]

    results = learner_api_client.post(SYNC, batch, format="json").json()["results"]

    assert [r["status"] for r in results] == ["rejected"] * 4 + ["applied"]
    assert "future" in results[0]["detail"]
    assert "No such flashcard" in results[1]["detail"]
    assert "before the card existed" in results[2]["detail"]
    assert "quiz type" in results[3]["detail"]
    assert ReviewLog.objects.count() == 1


@pytest.mark.parametrize(
    "batch",
    [
        [],
        [{"flashcard": 1, "rating": 3, "reviewed_at": "2026-01-01T00:00:00Z"}],
        [
            {
                "client_review_id": "nope",
                "flashcard": 1,
                "rating": 3,
                "reviewed_at": "2026-01-01T00:00:00Z",
            }
        ],
        [
            {
                "client_review_id": str(uuid.uuid4()),
                "flashcard": 1,
                "rating": 0,
                "reviewed_at": "2026-01-01T00:00:00Z",
            }
        ],
        [
            {
                "client_review_id": str(uuid.uuid4()),
                "flashcard": 1,
                "rating": 3,
                "reviewed_at": "2026-01-01T00:00:00",
            }
        ],
        {"reviews": "all of them"},
        "nonsense",
    ],
)
def test_malformed_batches_are_a_400_and_change_nothing(learner_api_client, card, batch):
    response = learner_api_client.post(SYNC, batch, format="json")

    assert response.status_code == 400
    assert ReviewLog.objects.count() == 0


def test_a_naive_time_is_refused_with_a_clear_message(learner_api_client, card):
    item = sync_item(card, timezone.now()) | {"reviewed_at": "2026-01-01T08:00:00"}

    response = learner_api_client.post(SYNC, [item], format="json")

    assert "time zone" in str(response.json())


def test_a_batch_over_the_limit_is_refused(learner_api_client, card, settings):
    batch = [sync_item(card, timezone.now()) for _ in range(settings.SYNC_BATCH_MAX + 1)]

    response = learner_api_client.post(SYNC, batch, format="json")

    assert response.status_code == 400
    assert ReviewLog.objects.count() == 0


# --- Progress ----------------------------------------------------------------------


def test_progress_lists_my_cards_with_memory_strength_and_filters(learner_api_client, deck):
    cards = [m.flashcard for m in deck.memberships.order_by("id")[:3]]
    now = timezone.now()
    learner_api_client.post(
        SYNC, [sync_item(c, now - timedelta(days=3), rating=4) for c in cards[:2]], format="json"
    )
    learner_api_client.post(
        SYNC, [sync_item(cards[2], now - timedelta(hours=1), rating=1)], format="json"
    )

    body = learner_api_client.get(PROGRESS).json()
    due_now = learner_api_client.get(f"{PROGRESS}?due=now").json()

    assert body["count"] == 3
    row = body["results"][0]
    assert set(row) >= {
        "flashcard",
        "state",
        "memory_strength",
        "level",
        "due",
        "last_review",
        "reps",
        "lapses",
        "streak",
        "is_leech",
    }
    assert [r["flashcard"] for r in due_now["results"]] == [cards[2].pk]
    strong = next(r for r in body["results"] if r["flashcard"] == cards[0].pk)
    assert 0 < strong["memory_strength"] < 100
    assert learner_api_client.get(f"{PROGRESS}?level=Mastery").json()["count"] == 0
    assert learner_api_client.get(f"{PROGRESS}?leech=true").json()["count"] == 0
    assert learner_api_client.get(f"{PROGRESS}?catalog={deck.pk}").json()["count"] == 3


def test_the_summary_has_the_spec_shape(learner_api_client, deck, card):
    learner_api_client.post(
        SYNC, [sync_item(card, timezone.now() - timedelta(minutes=30))], format="json"
    )

    summary = learner_api_client.get(SUMMARY).json()

    assert set(summary) >= {
        "due_now",
        "due_today",
        "new_available",
        "reviews_today",
        "study_streak",
        "memory_strength_histogram",
        "forecast",
        "retention_30d",
        "leeches",
    }
    assert summary["due_now"] == 1
    assert summary["reviews_today"] == 1
    assert summary["study_streak"] == 1
    assert len(summary["memory_strength_histogram"]) == 10
    assert sum(summary["memory_strength_histogram"]) == 1
    assert len(summary["forecast"]) == 30
    assert summary["new_available"] == 19
    assert summary["catalogs"][0] == {
        "catalog": deck.pk,
        "name": "Spanish basics",
        "cards": 30,
        "studied": 1,
        "memory_strength": summary["catalogs"][0]["memory_strength"],
    }


def test_a_cards_history_lists_its_reviews_and_its_strength_curve(learner_api_client, card):
    now = timezone.now()
    learner_api_client.post(
        SYNC, [sync_item(card, now - timedelta(days=d)) for d in (10, 3)], format="json"
    )

    history = learner_api_client.get(f"{PROGRESS}{card.pk}/history/").json()

    assert [review["rating"] for review in history["reviews"]] == [3, 3]
    assert history["reviews"][1]["interval_days"] > 0
    curve = [point["memory_strength"] for point in history["memory_strength_curve"]]
    assert curve[0] == 100
    assert min(curve) < 100


def test_someone_elses_private_card_history_is_not_found(learner_api_client, quiz_types):
    private = CatalogFlashcardFactory(catalog=CatalogFactory()).flashcard

    assert learner_api_client.get(f"{PROGRESS}{private.pk}/history/").status_code == 404
    assert (
        learner_api_client.get(
            f"{PROGRESS}?catalog={private.memberships.get().catalog_id}"
        ).status_code
        == 404
    )


def test_memory_strength_seen_through_the_api_fades_day_by_day(learner_api_client, deck, card):
    import time_machine

    with time_machine.travel(START, tick=False):
        learner_api_client.post(
            SYNC,
            [sync_item(card, START), sync_item(card, START + timedelta(minutes=10))],
            format="json",
        )

    def strength_on(day):
        with time_machine.travel(START + timedelta(days=day), tick=False):
            return learner_api_client.get(PROGRESS).json()["results"][0]["memory_strength"]

    strengths = [strength_on(day) for day in (0, 1, 3, 10, 30)]
    assert strengths[0] == 100
    assert strengths == sorted(strengths, reverse=True)
    assert strengths[-1] < 80


@pytest.mark.parametrize("value", ["²", "abc", "0"])
def test_a_summary_for_a_catalog_id_that_is_not_one_is_4xx(learner_api_client, value):
    response = learner_api_client.get(SUMMARY, {"catalog": value})

    assert response.status_code in (400, 404)


def test_the_library_counts_the_people_studying_a_catalog(learner_api_client, quiz_types):
    from rest_framework.test import APIClient

    public = CatalogFactory(visibility=Catalog.Visibility.PUBLIC)
    for _ in range(3):
        CatalogFlashcardFactory(catalog=public)
    other = APIClient()
    other.force_authenticate(UserFactory())
    for client in (learner_api_client, learner_api_client, other):
        start_quiz(client, public, size=1)

    listed = learner_api_client.get("/api/v1/catalogs/public/").json()["results"]

    assert [catalog["learner_count"] for catalog in listed] == [2]


def test_a_rejected_review_leaves_the_card_new(learner_api_client, learner, deck):
    from quizzes.selectors.study import new_flashcards

    first, second = [m.flashcard for m in deck.memberships.order_by("id")[:2]]
    item = sync_item(first, timezone.now() - timedelta(minutes=5))
    learner_api_client.post(SYNC, [item], format="json")

    reused = item | {"flashcard": second.pk}
    result = learner_api_client.post(SYNC, [reused], format="json").json()["results"][0]

    assert result["status"] == "rejected"
    assert not CardProgress.objects.filter(flashcard=second).exists()
    assert second in new_flashcards(learner, catalog=deck)


def test_an_unlisted_catalog_is_studied_with_its_share_link(learner_api_client, quiz_types):
    unlisted = CatalogFactory(visibility=Catalog.Visibility.UNLISTED, share_token="open-sesame")
    CatalogFlashcardFactory(catalog=unlisted)

    without = learner_api_client.post(QUIZZES, {"catalog": unlisted.pk}, format="json")
    wrong = learner_api_client.post(
        QUIZZES, {"catalog": unlisted.pk, "share_token": "guess"}, format="json"
    )
    with_link = learner_api_client.post(
        QUIZZES, {"catalog": unlisted.pk, "share_token": "open-sesame"}, format="json"
    )

    assert (without.status_code, wrong.status_code, with_link.status_code) == (404, 404, 201)


@pytest.mark.parametrize("value", ["٣", "３", "true"])
def test_ids_in_filters_are_ascii_digits(learner_api_client, deck, value):
    assert learner_api_client.get(PROGRESS, {"catalog": value}).status_code == 400
    response = learner_api_client.post(QUIZZES, {"catalog": value}, format="json")
    assert response.status_code == 400


def test_nothing_to_study_is_a_400_with_a_detail(learner_api_client, quiz_types):
    empty = CatalogFactory(owner=UserFactory(), visibility=Catalog.Visibility.PUBLIC)

    response = learner_api_client.post(QUIZZES, {"catalog": empty.pk}, format="json")

    assert response.status_code == 400
    assert "Nothing to study" in response.json()["detail"]


def due_figures(client):
    summary = client.get(SUMMARY).json()
    forecast = sum(day["due"] for day in summary["forecast"])
    return summary["due_now"], summary["due_today"], forecast


@time_machine.travel(START, tick=False)
def test_cards_of_a_share_revoked_are_no_longer_due_and_count_again_once_visible(
    learner_api_client, learner, teacher, shared_deck
):
    assert due_figures(learner_api_client) == (3, 3, 5)

    share_revoke(share=shared_deck.shares.get(user=learner), by=teacher)

    # What the summary says is due is what a session would draw: nothing.
    assert due_figures(learner_api_client) == (0, 0, 0)
    assert learner_api_client.get(f"{PROGRESS}?due=now").json()["count"] == 0
    assert learner_api_client.post(QUIZZES, {}, format="json").status_code == 400
    # The reviews done are history, and what was learnt is memory: they stay counted.
    summary = learner_api_client.get(SUMMARY).json()
    assert summary["retention_30d"] == 1.0
    assert summary["study_streak"] == 0
    assert summary["levels"] == {"Level 1": 5}
    assert learner_api_client.get(PROGRESS, {"level": "Level 1"}).json()["count"] == 5

    catalog_update(catalog=shared_deck, visibility=Catalog.Visibility.PUBLIC, by=teacher)

    assert due_figures(learner_api_client) == (3, 3, 5)
    quiz = learner_api_client.post(QUIZZES, {"size": 20}, format="json").json()
    assert len(quiz["questions"]) == 3


@time_machine.travel(START, tick=False)
def test_a_catalog_made_private_or_a_card_taken_out_of_it_stops_counting(
    learner_api_client, teacher, shared_deck, learner
):
    catalog_update(catalog=shared_deck, visibility=Catalog.Visibility.PUBLIC, by=teacher)
    share_revoke(share=shared_deck.shares.get(user=learner), by=teacher)
    due_card = shared_deck.memberships.order_by("id").first().flashcard

    catalog_flashcard_remove(catalog=shared_deck, flashcard=due_card)

    assert due_figures(learner_api_client) == (2, 2, 4)

    catalog_update(catalog=shared_deck, visibility=Catalog.Visibility.PRIVATE, by=teacher)

    assert due_figures(learner_api_client) == (0, 0, 0)
