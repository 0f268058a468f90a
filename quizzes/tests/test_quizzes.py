"""Drawing quizzes and answering them, through the services."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decks.markup import plain_text
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, FlashcardFactory
from quizzes.grading import normalize_answer
from quizzes.models import CardProgress, QuizQuestion, QuizType, Rating
from quizzes.selectors.settings import study_settings_of
from quizzes.services.quizzes import AlreadyAnswered, QuizNotFound, quiz_answer_submit, quiz_create
from quizzes.services.reviews import review_record
from quizzes.tests.conftest import START

pytestmark = pytest.mark.django_db


def cards_of(deck):
    return [m.flashcard for m in deck.memberships.order_by("id")]


def studied(learner, card, *, at, ratings=(Rating.GOOD, Rating.GOOD)):
    for rating in ratings:
        progress = review_record(
            user=learner, flashcard_id=card.pk, rating=rating, reviewed_at=at
        ).progress
        at = progress.due
    return CardProgress.objects.get(user=learner, flashcard=card)


def answer_right(learner, question, at):
    question.refresh_from_db()
    answer = {"true_false": question.expected_answer}.get(
        question.quiz_type.code, question.expected_answer
    )
    return quiz_answer_submit(
        user=learner,
        quiz_id=question.quiz_id,
        question_id=question.pk,
        answer=answer,
        rating=Rating.GOOD,
        response_ms=3000,
        now=at,
    )


def test_due_cards_come_first_most_overdue_first_then_new_cards(learner, deck):
    cards = cards_of(deck)
    older = studied(learner, cards[5], at=START - timedelta(days=20))
    newer = studied(learner, cards[9], at=START - timedelta(days=15))
    now = START + timedelta(days=30)

    quiz = quiz_create(user=learner, catalog=deck, size=5, now=now)

    flashcards = [q.flashcard_id for q in quiz.questions.order_by("position")]
    assert flashcards[:2] == [older.flashcard_id, newer.flashcard_id]
    assert flashcards[2:] == [cards[0].pk, cards[1].pk, cards[2].pk], "new cards in catalog order"


def test_new_cards_stop_at_the_daily_limit_counted_in_the_learners_day(learner, deck):
    study_settings = study_settings_of(learner)
    study_settings.daily_new_limit = 3
    study_settings.day_rollover_hour = 4
    study_settings.save()
    learner.settings.time_zone = "Asia/Tokyo"  # UTC+9: START (09:00 UTC) is 18:00 there
    learner.settings.save()
    for card in cards_of(deck)[:2]:
        review_record(user=learner, flashcard_id=card.pk, rating=Rating.GOOD, reviewed_at=START)

    same_day = quiz_create(user=learner, catalog=deck, size=20, now=START + timedelta(hours=9))
    # 19:00 UTC is 04:00 in Tokyo: a new study day with a fresh allowance.
    next_day = quiz_create(user=learner, catalog=deck, size=20, now=START + timedelta(hours=10))

    seen = {card.pk for card in cards_of(deck)[:2]}

    def new_of(quiz):
        return sum(1 for q in quiz.questions.all() if q.flashcard_id not in seen)

    assert new_of(same_day) == 1
    assert new_of(next_day) == 3


def test_a_quiz_is_never_larger_than_asked_and_has_each_card_once(learner, deck):
    quiz = quiz_create(user=learner, catalog=deck, size=7, now=START)

    flashcards = [q.flashcard_id for q in quiz.questions.all()]
    assert len(flashcards) == 7 == quiz.size
    assert len(set(flashcards)) == 7


def test_suspended_cards_never_come(learner, deck):
    card = cards_of(deck)[0]
    CardProgress.objects.create(user=learner, flashcard=card, suspended=True)

    quiz = quiz_create(user=learner, catalog=deck, size=30, now=START)

    assert card.pk not in {q.flashcard_id for q in quiz.questions.all()}


@pytest.mark.parametrize("size", [0, -1, 101, 10_000])
def test_a_quiz_size_out_of_range_is_refused(learner, deck, size):
    with pytest.raises(ValidationError) as error:
        quiz_create(user=learner, catalog=deck, size=size, now=START)
    assert "size" in error.value.message_dict


def test_nothing_to_study_is_said_plainly(learner, spanish, quiz_types):
    empty = CatalogFactory(owner=learner)

    with pytest.raises(ValidationError, match="Nothing to study"):
        quiz_create(user=learner, catalog=empty, now=START)


def band_of(code):
    return {"multiple_choice": 0, "true_false": 0, "flip": 0, "reverse_choice": 1}.get(code, 2)


def test_new_cards_are_recognised_and_strong_cards_recalled(learner, deck):
    cards = cards_of(deck)
    strong = studied(learner, cards[0], at=START, ratings=(Rating.EASY,))
    now = strong.last_review + timedelta(hours=1)
    CardProgress.objects.filter(pk=strong.pk).update(due=now - timedelta(minutes=1))

    quiz = quiz_create(user=learner, catalog=deck, size=10, now=now)

    by_card = {q.flashcard_id: q.quiz_type.code for q in quiz.questions.all()}
    assert band_of(by_card.pop(strong.flashcard_id)) == 2
    assert {band_of(code) for code in by_card.values()} == {0}


def test_the_requested_difficulty_shifts_the_bands(learner, deck):
    cards = cards_of(deck)
    progress = studied(learner, cards[0], at=START)
    # Two months later its strength is middling.
    now = progress.last_review + timedelta(days=max(1, int(progress.stability * 3)))
    strength_codes = {}
    for difficulty in (1, 3):
        quiz = quiz_create(user=learner, catalog=deck, size=1, difficulty=difficulty, now=now)
        strength_codes[difficulty] = quiz.questions.get().quiz_type.code
    assert band_of(strength_codes[1]) < band_of(strength_codes[3])


def test_preferred_quiz_types_restrict_the_choice(learner, deck):
    study_settings_of(learner).preferred_quiz_types.set(QuizType.objects.filter(code="typed"))

    quiz = quiz_create(user=learner, catalog=deck, size=10, now=START)

    assert {q.quiz_type.code for q in quiz.questions.all()} == {"typed"}


def test_distractors_are_other_cards_never_the_answer_never_twice(learner, deck):
    quiz = quiz_create(
        user=learner, catalog=deck, size=20, quiz_types=["multiple_choice"], now=START
    )

    for question in quiz.questions.all():
        normalized = [normalize_answer(choice) for choice in question.choices]
        assert question.expected_answer in question.choices
        assert len(normalized) == len(set(normalized)) == 4
        assert all(choice.startswith("word ") for choice in question.choices)


def test_a_distractor_is_never_the_answer_in_other_formatting(learner, spanish, quiz_types):
    catalog = CatalogFactory(owner=learner, language=spanish)
    for front, back in [("gato", "cat"), ("el gato", "<b>cat</b>"), ("perro", "<i>dog</i>")]:
        card = FlashcardFactory(owner=learner, front=front, back=back, language=spanish)
        CatalogFlashcardFactory(catalog=catalog, flashcard=card)
    CatalogFlashcardFactory.create_batch(3, catalog=catalog, flashcard__language=spanish)

    quiz = quiz_create(
        user=learner, catalog=catalog, size=6, quiz_types=["multiple_choice"], now=START
    )

    for question in quiz.questions.all():
        plain = [normalize_answer(plain_text(choice)) for choice in question.choices]
        assert len(plain) == len(set(plain))
    question = quiz.questions.get(flashcard__front="perro")
    result, _ = answer_right(learner, question, START)
    assert result["correct"]
    assert result["expected"] == "<i>dog</i>"


def test_too_few_distractors_means_a_type_that_needs_none(learner, spanish, quiz_types):
    lonely = CatalogFactory(owner=learner, language=spanish)
    CatalogFlashcardFactory(catalog=lonely, flashcard__language=spanish)

    quiz = quiz_create(user=learner, catalog=lonely, now=START)

    assert quiz.questions.get().quiz_type.code in {"typed", "reverse_typed", "flip"}


def test_distractors_come_from_the_same_language_only(learner, deck, quiz_types):
    german = FlashcardFactory(owner=learner, back="Hund", language__code="de")
    assert german.language.code == "de"

    quiz = quiz_create(
        user=learner, catalog=deck, size=20, quiz_types=["multiple_choice"], now=START
    )

    assert all("Hund" not in q.choices for q in quiz.questions.all())


def test_true_false_shows_a_wrong_pairing_about_half_the_time(learner, deck):
    answers = Counter()
    for _ in range(10):
        quiz = quiz_create(
            user=learner, catalog=deck, size=20, quiz_types=["true_false"], now=START
        )
        answers.update(q.expected_answer for q in quiz.questions.all())
        for q in quiz.questions.all():
            assert (q.shown_answer == q.flashcard.back) == (q.expected_answer == "true")
    assert 0.35 < answers["false"] / 200 < 0.65


def test_answering_right_reviews_the_card_and_scores_the_quiz(learner, deck):
    quiz = quiz_create(user=learner, catalog=deck, size=2, quiz_types=["typed"], now=START)
    first, second = quiz.questions.order_by("position")

    result, duplicate = quiz_answer_submit(
        user=learner,
        quiz_id=quiz.pk,
        question_id=first.pk,
        answer=first.expected_answer.upper(),
        response_ms=7000,
        now=START,
    )

    assert not duplicate
    assert result["correct"]
    assert result["rating"] == Rating.GOOD
    assert result["memory_strength"] == 100
    assert result["level"] == "Level 1", "FSRS: a first Good lasts about 2.3 days"
    assert result["streak"] == 1
    progress = CardProgress.objects.get(user=learner, flashcard_id=first.flashcard_id)
    assert result["next_due"] == progress.due.isoformat()
    answer_right(learner, second, START)
    quiz.refresh_from_db()
    assert (quiz.answered_count, quiz.correct_count, quiz.score) == (2, 2, 1.0)
    assert quiz.completed_at == START


def test_a_typo_is_hard_and_shows_the_difference(learner, deck):
    quiz = quiz_create(user=learner, catalog=deck, size=1, quiz_types=["typed"], now=START)
    question = quiz.questions.get()

    result, _ = quiz_answer_submit(
        user=learner,
        quiz_id=quiz.pk,
        question_id=question.pk,
        answer="wrd 0",
        response_ms=3000,
        now=START,
    )

    assert result["correct"]
    assert result["typo"]
    assert result["rating"] == Rating.HARD
    assert result["expected"] == "word 0"
    assert {"kind": "missing", "given": "", "expected": "o"} in result["diff"]


def test_a_second_answer_is_refused_with_the_first_result(learner, deck):
    quiz = quiz_create(user=learner, catalog=deck, size=1, quiz_types=["typed"], now=START)
    question = quiz.questions.get()
    first, _ = quiz_answer_submit(
        user=learner, quiz_id=quiz.pk, question_id=question.pk, answer="nope", now=START
    )

    with pytest.raises(AlreadyAnswered) as error:
        quiz_answer_submit(
            user=learner,
            quiz_id=quiz.pk,
            question_id=question.pk,
            answer=question.expected_answer,
            now=START,
        )

    assert error.value.result == first
    assert CardProgress.objects.get().reps == 1


def test_the_same_submission_again_returns_the_first_result(learner, deck):
    import uuid

    quiz = quiz_create(user=learner, catalog=deck, size=1, quiz_types=["typed"], now=START)
    question = quiz.questions.get()
    review_id = uuid.uuid4()

    def submit():
        return quiz_answer_submit(
            user=learner,
            quiz_id=quiz.pk,
            question_id=question.pk,
            answer="word 0",
            client_review_id=review_id,
            now=START,
        )

    first, _ = submit()
    again, duplicate = submit()

    assert duplicate
    assert again == first
    assert CardProgress.objects.get().reps == 1


def test_someone_elses_question_is_not_found(learner, deck):
    from accounts.tests.factories import UserFactory

    quiz = quiz_create(user=learner, catalog=deck, size=1, now=START)

    with pytest.raises(QuizNotFound):
        quiz_answer_submit(
            user=UserFactory(), quiz_id=quiz.pk, question_id=quiz.questions.get().pk, answer="x"
        )


def test_a_wrong_answer_steps_the_next_question_down(learner, deck):
    cards = cards_of(deck)
    for card in cards[:3]:
        progress = studied(learner, card, at=START, ratings=(Rating.EASY,))
    now = progress.last_review + timedelta(hours=1)
    CardProgress.objects.filter(user=learner).update(due=now - timedelta(minutes=1))
    quiz = quiz_create(user=learner, catalog=deck, size=3, now=now)
    first, second, _ = quiz.questions.order_by("position")
    assert band_of(second.quiz_type.code) == 2

    quiz_answer_submit(
        user=learner, quiz_id=quiz.pk, question_id=first.pk, answer="no idea", now=now
    )

    second.refresh_from_db()
    assert band_of(second.quiz_type.code) == 1


def test_flip_is_self_graded_and_needs_a_rating(learner, deck):
    quiz = quiz_create(user=learner, catalog=deck, size=1, quiz_types=["flip"], now=START)
    question = quiz.questions.get()

    with pytest.raises(ValidationError) as error:
        quiz_answer_submit(user=learner, quiz_id=quiz.pk, question_id=question.pk, now=START)
    assert "rating" in error.value.message_dict

    result, _ = quiz_answer_submit(
        user=learner, quiz_id=quiz.pk, question_id=question.pk, rating=Rating.EASY, now=START
    )
    assert result["rating"] == Rating.EASY
    assert QuizQuestion.objects.get().correct is True


def test_a_card_in_two_of_my_catalogs_comes_once_in_a_quiz_of_everything(learner, deck):
    second = CatalogFactory(owner=learner)
    for card in cards_of(deck)[:3]:
        CatalogFlashcardFactory(catalog=second, flashcard=card)

    quiz = quiz_create(user=learner, size=10, now=START)

    flashcards = [q.flashcard_id for q in quiz.questions.all()]
    assert len(flashcards) == len(set(flashcards)) == 10


def test_the_step_down_keeps_to_the_quiz_types_asked_for(learner, deck):
    quiz = quiz_create(user=learner, catalog=deck, size=3, quiz_types=["typed"], now=START)
    first = quiz.questions.order_by("position").first()

    with CaptureQueriesContext(connection) as wrong:
        quiz_answer_submit(
            user=learner, quiz_id=quiz.pk, question_id=first.pk, answer="no", now=START
        )

    assert {q.quiz_type.code for q in quiz.questions.all()} == {"typed"}
    # Nothing easier is allowed, so no distractor pool is read for the next question.
    pool = 'SELECT "decks_flashcard"."front", "decks_flashcard"."back" FROM'
    assert not any(q["sql"].startswith(pool) for q in wrong.captured_queries)


def test_distractors_come_from_all_over_a_large_catalog(learner, spanish, quiz_types):
    big = CatalogFactory(owner=learner, language=spanish)
    for n in range(400):
        CatalogFlashcardFactory(
            catalog=big,
            flashcard__front=f"f{n:03}",
            flashcard__back=f"b{n:03}",
            flashcard__language=spanish,
        )
    seen = set()
    for _ in range(5):
        quiz = quiz_create(
            user=learner, catalog=big, size=20, quiz_types=["multiple_choice"], now=START
        )
        seen |= {choice for q in quiz.questions.all() for choice in q.choices}

    assert any(choice >= "b300" for choice in seen), "not only the first 300 cards"


def test_learning_steps_are_not_held_back_by_the_review_limit(learner, deck):
    study_settings = study_settings_of(learner)
    study_settings.daily_review_limit = 0
    study_settings.save()
    card = cards_of(deck)[0]
    review_record(user=learner, flashcard_id=card.pk, rating=Rating.GOOD, reviewed_at=START)

    quiz = quiz_create(user=learner, catalog=deck, size=1, now=START + timedelta(minutes=15))

    assert quiz.questions.get().flashcard_id == card.pk
