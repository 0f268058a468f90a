"""Quizzes: drawing a study session's questions, and answering them.

A quiz takes the learner's due cards first, then new cards within the daily limit. Each
question's type follows the card's memory strength (weak: recognise, strong: recall),
shifted by the requested difficulty; a wrong answer steps the next question down.
"""

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from accounts.models import User
from cerego.exceptions import DomainError
from decks.markup import plain_text
from decks.models import Catalog, Flashcard
from decks.selectors import catalog_flashcard_count
from decks.services.catalogs import catalog_learner_add
from quizzes import memory
from quizzes.grading import Grade, grade_choice, grade_typed, normalize_answer, rating_for
from quizzes.models import CardProgress, Quiz, QuizQuestion, QuizType, Rating, StudySettings
from quizzes.selectors import study
from quizzes.selectors.quizzes import quizzes_of
from quizzes.selectors.sessions import open_quiz_of
from quizzes.selectors.settings import study_settings_of
from quizzes.services.reviews import review_record

# Question types from easiest to hardest: recognise the answer, pick the word, recall it.
BANDS: tuple[tuple[str, ...], ...] = (
    ("multiple_choice", "true_false"),
    ("reverse_choice",),
    ("typed", "reverse_typed"),
)
# Memory strength from which a card moves up a band, by requested difficulty.
BAND_THRESHOLDS = {None: (50, 80), 1: (70, 90), 2: (50, 80), 3: (30, 60)}
REVERSED = frozenset({"reverse_choice", "reverse_typed"})
CHOICE_TYPES = frozenset({"multiple_choice", "reverse_choice"})
DISTRACTORS_WANTED = 3
DISTRACTOR_POOL = 300
DISTRACTORS_NEEDED = {"multiple_choice": 2, "reverse_choice": 2, "true_false": 1}
_random = random.SystemRandom()


class QuizNotFound(DomainError):
    status_code = 404

    def __init__(self) -> None:
        super().__init__("No such question in your quizzes.", code="not_found")


class AlreadyAnswered(DomainError):
    """A question takes one answer; the second gets the first one's result."""

    status_code = 409

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__("This question has already been answered.", code="already_answered")
        self.result = result

    def extra(self) -> dict[str, Any]:
        return {"result": self.result}


@dataclass
class _Card:
    flashcard: Flashcard
    progress: CardProgress | None
    strength: int


def _allowed_types(
    user: User, requested: list[str] | None, study_settings: StudySettings | None = None
) -> dict[str, QuizType]:
    """The types this quiz may use: the request's, else the learner's preferred ones, else
    every type but flip (self-grading is a choice, not a default). `study_settings`: the
    learner's, when the caller has read them already."""
    types = {quiz_type.code: quiz_type for quiz_type in QuizType.objects.all()}
    if requested:
        return {code: types[code] for code in requested if code in types}
    study_settings = study_settings or study_settings_of(user)
    preferred = [t.code for t in study_settings.preferred_quiz_types.all()]
    if preferred:
        return {code: types[code] for code in preferred}
    return {code: quiz_type for code, quiz_type in types.items() if code != "flip"}


def _band(strength: int, progress: CardProgress | None, difficulty: int | None) -> int:
    if progress is None or progress.last_review is None:
        return 0
    middle, strong = BAND_THRESHOLDS[difficulty]
    return 2 if strength >= strong else 1 if strength >= middle else 0


def _type_for(band: int, allowed: dict[str, QuizType], distractor_count: int) -> QuizType:
    """A type of the band (or the nearest allowed band, easier first) that the card's
    distractors can support; a type that needs none when they cannot."""
    order = [band, *range(band - 1, -1, -1), *range(band + 1, len(BANDS))]
    for candidate in order:
        options = [
            code
            for code in BANDS[candidate]
            if code in allowed and distractor_count >= DISTRACTORS_NEEDED.get(code, 0)
        ]
        if options:
            return allowed[_random.choice(options)]
    for code in ("flip", "typed", "reverse_typed"):
        if code in allowed:
            return allowed[code]
    return QuizType.objects.get(code="flip")


def _distractor_pool(cards: list[_Card], catalog: Catalog | None, user: User) -> dict[int, list]:
    """Candidate (front, back) pairs per language: a random window of the catalog's cards,
    then, when those are few, of the learner's own cards of that language. A few queries
    per language in the quiz, whatever the size of the collection."""
    pools: dict[int, list[tuple[str, str]]] = {}
    quiz_ids = [card.flashcard.pk for card in cards]
    for language_id in {card.flashcard.language_id for card in cards}:
        pairs: list[tuple[str, str]] = []
        if catalog is not None:
            pairs += _catalog_window(catalog, language_id, quiz_ids)
        if len(pairs) < DISTRACTOR_POOL // 4:
            pairs += _own_window(user, language_id, quiz_ids)
        # The quiz's own other cards are fine distractors too.
        pairs += [
            (card.flashcard.front, card.flashcard.back)
            for card in cards
            if card.flashcard.language_id == language_id
        ]
        pools[language_id] = pairs
    return pools


def _catalog_window(catalog: Catalog, language_id: int, exclude: list[int]) -> list:
    """Cards from a random place in the catalog, not always its first ones."""
    offset = _random.randint(0, max(0, catalog_flashcard_count(catalog) - DISTRACTOR_POOL))
    cards = (
        Flashcard.objects.filter(memberships__catalog=catalog, language_id=language_id)
        .exclude(pk__in=exclude)
        .order_by("memberships__added_at", "memberships__id")
    )
    return list(cards.values_list("front", "back")[offset : offset + DISTRACTOR_POOL])


def _own_window(user: User, language_id: int, exclude: list[int]) -> list:
    """The learner's own cards of the language from a random point on, wrapping round."""
    cards = Flashcard.objects.filter(owner=user, language_id=language_id).exclude(pk__in=exclude)
    bounds = cards.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    pivot = _random.randint(bounds["low"], bounds["high"])
    pairs = list(
        cards.filter(pk__gte=pivot).order_by("pk").values_list("front", "back")[:DISTRACTOR_POOL]
    )
    if len(pairs) < DISTRACTOR_POOL:
        rest = cards.filter(pk__lt=pivot).order_by("pk").values_list("front", "back")
        pairs += rest[: DISTRACTOR_POOL - len(pairs)]
    return pairs


def _shuffled[T](items: list[T]) -> Iterator[T]:
    """The items in a random order, drawn one by one as they are wanted (Fisher-Yates, a
    swap per item taken). A question wants a few of a pool of hundreds: shuffling the
    whole pool, each swap a read of the system's randomness, was most of drawing a quiz."""
    items = list(items)
    for i in range(len(items)):
        j = i + _random.randrange(len(items) - i)
        items[i], items[j] = items[j], items[i]
        yield items[i]


def _distractors(answer: str, texts: list[str], wanted: int) -> list[str]:
    """Up to `wanted` texts unlike the answer and unlike each other (normalised, without
    markup: "<b>cat</b>" is no distractor of "cat")."""
    seen = {normalize_answer(plain_text(answer))}
    picked: list[str] = []
    for text in _shuffled(texts):
        key = normalize_answer(plain_text(text))
        if key and key not in seen:
            seen.add(key)
            picked.append(text)
            if len(picked) == wanted:
                break
    return picked


def _question_fields(
    flashcard: Flashcard, quiz_type: QuizType, pool: list[tuple[str, str]]
) -> dict[str, Any]:
    reverse = quiz_type.code in REVERSED
    prompt, answer = (
        (flashcard.back, flashcard.front) if reverse else (flashcard.front, flashcard.back)
    )
    fields: dict[str, Any] = {"prompt": prompt, "expected_answer": answer, "choices": None}
    if quiz_type.code in CHOICE_TYPES:
        texts = [front if reverse else back for front, back in pool]
        choices = [answer, *_distractors(answer, texts, DISTRACTORS_WANTED)]
        _random.shuffle(choices)
        fields["choices"] = choices
    elif quiz_type.code == "true_false":
        wrong = _distractors(answer, [back for _, back in pool], 1)
        if wrong and _random.random() < 0.5:
            fields |= {"shown_answer": wrong[0], "expected_answer": "false"}
        else:
            fields |= {"shown_answer": answer, "expected_answer": "true"}
    return fields


def _distractor_count(flashcard: Flashcard, pool: list[tuple[str, str]]) -> int:
    backs = _distractors(flashcard.back, [back for _, back in pool], DISTRACTORS_WANTED)
    fronts = _distractors(flashcard.front, [front for front, _ in pool], DISTRACTORS_WANTED)
    return min(len(backs), len(fronts))


def _cards_for(
    user: User,
    catalog: Catalog | None,
    size: int,
    now: datetime,
    study_settings: StudySettings,
) -> list[_Card]:
    decay = memory.decay_of(memory.parameters_of(study_settings))
    reviews_left, new_left = study.daily_room(user, study_settings, now)
    learning = list(study.due_progress(user, now=now, catalog=catalog, learning=True)[:size])
    learnt = list(
        study.due_progress(user, now=now, catalog=catalog, learning=False)[
            : min(size - len(learning), reviews_left)
        ]
    )
    due = sorted(learning + learnt, key=lambda p: (p.due, p.stability or 0, p.pk))
    cards = [_Card(p.flashcard, p, study.strength_of(p, now=now, decay=decay)) for p in due]
    room = min(size - len(cards), new_left)
    if room > 0:
        # New cards have no progress row and due cards all have one: never the same card.
        cards += [
            _Card(card, None, 0) for card in study.new_flashcards(user, catalog=catalog)[:room]
        ]
    return cards


def _validated(size: int | None, difficulty: int | None) -> int:
    size = settings.QUIZ_SIZE_DEFAULT if size is None else size
    errors = {}
    if not 1 <= size <= settings.QUIZ_SIZE_MAX:
        errors["size"] = [f"A quiz has 1 to {settings.QUIZ_SIZE_MAX} questions."]
    if difficulty is not None and difficulty not in QuizType.Difficulty.values:
        errors["difficulty"] = ["Use 1 (easy), 2 (medium) or 3 (hard), or leave it out."]
    if errors:
        raise ValidationError(errors)
    return size


@transaction.atomic
def quiz_create(
    *,
    user: User,
    catalog: Catalog | None = None,
    size: int | None = None,
    difficulty: int | None = None,
    quiz_types: list[str] | None = None,
    now: datetime | None = None,
) -> Quiz:
    """Draw a quiz for the learner from a catalog they may see, or from everything due.

    The caller has checked that the learner may see the catalog. An empty quiz is a
    refusal: there is nothing to study right now.
    """
    size = _validated(size, difficulty)
    now = now or timezone.now()
    study_settings = study_settings_of(user)  # read once: types, limits and decay use it
    allowed = _allowed_types(user, quiz_types, study_settings)
    if not allowed:
        raise ValidationError({"quiz_types": ["None of these quiz types exists."]})
    cards = _cards_for(user, catalog, size, now, study_settings)
    if not cards:
        raise ValidationError(
            "Nothing to study right now: no card is due and no new card is left for today."
        )
    pools = _distractor_pool(cards, catalog, user)
    quiz = Quiz.objects.create(
        user=user,
        catalog=catalog,
        difficulty=difficulty,
        size=len(cards),
        quiz_types=sorted(allowed),
    )
    if catalog is not None:
        catalog_learner_add(catalog=catalog, user=user)
    questions = []
    for position, card in enumerate(cards, start=1):
        pool = pools[card.flashcard.language_id]
        band = _band(card.strength, card.progress, difficulty)
        quiz_type = _type_for(band, allowed, _distractor_count(card.flashcard, pool))
        questions.append(
            QuizQuestion(
                quiz=quiz,
                position=position,
                flashcard=card.flashcard,
                quiz_type=quiz_type,
                **_question_fields(card.flashcard, quiz_type, pool),
            )
        )
    QuizQuestion.objects.bulk_create(questions)
    return quiz


def quiz_resume_or_create(*, user: User, catalog: Catalog | None = None) -> Quiz:
    """The learner's open quiz of this scope, else a new one: a second click on Start, or
    a stale tab, goes on with the session already drawn instead of drawing another."""
    return open_quiz_of(user, catalog) or quiz_create(user=user, catalog=catalog)


def _grade(question: QuizQuestion, answer: str, rating: int | None) -> Grade:
    code = question.quiz_type.code
    if code == "flip":
        if rating not in Rating.values:
            raise ValidationError(
                {"rating": ["Grade yourself: a rating from 1 (Again) to 4 (Easy)."]}
            )
        return Grade(correct=rating != Rating.AGAIN, expected=question.expected_answer)
    if code == "true_false":
        if answer.strip().lower() not in ("true", "false"):
            raise ValidationError({"answer": ['Answer "true" or "false".']})
        return Grade(
            correct=answer.strip().lower() == question.expected_answer,
            expected=question.expected_answer,
        )
    if code in CHOICE_TYPES:
        if answer not in (question.choices or []):
            raise ValidationError({"answer": ["Answer with one of the choices, as given."]})
        return grade_choice(answer, question.expected_answer)
    return grade_typed(answer, question.expected_answer)


def _step_down_next(question: QuizQuestion, pools_user: User) -> None:
    """After a wrong answer the next unanswered question gets an easier type."""
    following = (
        QuizQuestion.objects.select_for_update(of=("self",))
        .select_related("flashcard", "quiz_type")
        .filter(quiz_id=question.quiz_id, answered_at__isnull=True, position__gt=question.position)
        .order_by("position")
        .first()
    )
    if following is None:
        return
    band = next((i for i, codes in enumerate(BANDS) if following.quiz_type.code in codes), 0)
    if band == 0:
        return
    allowed = {t.code: t for t in QuizType.objects.filter(code__in=question.quiz.quiz_types)}
    allowed = allowed or _allowed_types(pools_user, None)
    if not allowed.keys() & {code for codes in BANDS[:band] for code in codes}:
        return  # nothing easier is allowed: the question stays as drawn (and no pool is read)
    cards = [_Card(following.flashcard, None, 0)]
    pool = _distractor_pool(cards, question.quiz.catalog, pools_user)[
        following.flashcard.language_id
    ]
    quiz_type = _type_for(band - 1, allowed, _distractor_count(following.flashcard, pool))
    fields = _question_fields(following.flashcard, quiz_type, pool)
    following.quiz_type = quiz_type
    following.shown_answer = fields.pop("shown_answer", "")
    for name, value in fields.items():
        setattr(following, name, value)
    following.save()


def _result(
    question: QuizQuestion,
    progress: CardProgress,
    grade: Grade,
    rating: int,
    now: datetime,
    decay: float,
) -> dict[str, Any]:
    level = memory.level_of(progress.stability)
    return {
        "question": question.pk,
        "correct": grade.correct,
        "typo": grade.typo,
        # What was graded against; for true/false, the card's real pairing.
        "expected": question.flashcard.back
        if question.quiz_type.code == "true_false"
        else question.expected_answer,
        "diff": grade.diff,
        "rating": rating,
        "memory_strength": study.strength_of(progress, now=now, decay=decay),
        "level": level.name,
        "next_due": progress.due.isoformat() if progress.due else None,
        "streak": progress.streak,
        "client_review_id": str(question.review_log.client_review_id)
        if question.review_log
        else None,
    }


@transaction.atomic
def quiz_answer_submit(
    *,
    user: User,
    quiz_id: int,
    question_id: int,
    answer: str = "",
    response_ms: int | None = None,
    rating: int | None = None,
    hint_used: bool = False,
    client_review_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> tuple[dict[str, Any], bool]:
    """Grade one answer, review the card through FSRS and return the result.

    Returns the result and whether it was already recorded (the same `client_review_id`
    again). Another answer to an answered question is refused with the first result.
    """
    now = now or timezone.now()
    # The quiz first, then its question: every answer to a quiz takes its locks in this
    # order, so two answers at once (a phone flushing its queue) wait instead of deadlocking.
    quiz = quizzes_of(user).select_for_update(of=("self",)).filter(pk=quiz_id).first()
    if quiz is None:
        raise QuizNotFound()
    question = (
        QuizQuestion.objects.select_for_update(of=("self",))
        .select_related("quiz_type", "flashcard", "review_log")
        .filter(pk=question_id, quiz=quiz)
        .first()
    )
    if question is None:
        raise QuizNotFound()
    question.quiz = quiz
    if question.answered_at is not None:
        if (
            client_review_id
            and question.review_log
            and question.review_log.client_review_id == client_review_id
        ):
            return question.result or {}, True
        raise AlreadyAnswered(question.result or {})
    study_settings = study_settings_of(user)
    grade = _grade(question, answer, rating)
    if question.quiz_type.code != "flip":
        rating = rating_for(
            grade=grade,
            quiz_type=question.quiz_type.code,
            response_ms=response_ms,
            usual_response_ms=study.usual_response_ms(user, question.quiz_type),
            hint_used=hint_used,
        )
    rating = int(rating or Rating.AGAIN)
    outcome = review_record(
        user=user,
        flashcard_id=question.flashcard_id,
        rating=rating,
        reviewed_at=now,
        client_review_id=client_review_id,
        response_ms=response_ms,
        quiz_type=question.quiz_type,
        correct=grade.correct,
        study_settings=study_settings,
    )
    if outcome.duplicate:
        raise ValidationError(
            {"client_review_id": ["This review id was already used for another review."]}
        )
    question.review_log = outcome.review_log
    question.given_answer = answer
    question.correct = grade.correct
    question.rating = rating
    question.response_ms = response_ms
    question.answered_at = now
    decay = memory.decay_of(memory.parameters_of(study_settings))
    question.result = _result(question, outcome.progress, grade, rating, now, decay)
    question.save()
    # The quiz row is locked since the start, so its counts are current: the last answer
    # completes it in the same update.
    finished = quiz.answered_count + 1 >= quiz.size and quiz.completed_at is None
    Quiz.objects.filter(pk=quiz_id).update(
        answered_count=F("answered_count") + 1,
        correct_count=F("correct_count") + int(grade.correct),
        completed_at=now if finished else F("completed_at"),
    )
    if not grade.correct:
        _step_down_next(question, user)
    return question.result, False
