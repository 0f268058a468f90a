"""Quizzes as the learner sees them: never the answer of a question not yet answered."""

from collections.abc import Collection
from datetime import datetime
from typing import Any

import fsrs
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from decks.models import Catalog
from decks.selectors import catalog_by_share_token, catalogs_visible_to
from quizzes import memory
from quizzes.models import CardProgress, Quiz, QuizQuestion, Rating
from quizzes.selectors.settings import study_settings_of


def quizzes_of(user: User) -> QuerySet[Quiz]:
    """The learner's quizzes, newest first: of everything due, or of a catalog they may
    still study. A quiz on a catalog no longer shared with them, or made private, goes with
    the catalog: its cards are invisible to them now (an unlisted catalog's quiz stays, as
    they opened it by its link)."""
    studyable = (
        Q(catalog__isnull=True)
        | Q(catalog__visibility=Catalog.Visibility.UNLISTED)
        | Q(catalog__in=catalogs_visible_to(user))
    )
    return Quiz.objects.filter(studyable, user=user).order_by("-created_at", "-id")


def quiz_of(user: User, quiz_id: int) -> Quiz | None:
    """One of the learner's quizzes with its questions, or None (another's is none too)."""
    questions = QuizQuestion.objects.select_related(
        "quiz_type", "flashcard__language", "review_log"
    ).order_by("position")
    return (
        quizzes_of(user)
        .select_related("catalog")
        .prefetch_related(Prefetch("questions", queryset=questions))
        .filter(pk=quiz_id)
        .first()
    )


def catalog_to_study(user: User, catalog_id: int, share_token: str = "") -> Catalog | None:
    """A catalog the learner may study: theirs, shared with them, public, or an unlisted
    one whose share link they hold (`share_token`)."""
    if share_token:
        linked = catalog_by_share_token(user=user, token=share_token)
        return linked if linked is not None and linked.pk == catalog_id else None
    return catalogs_visible_to(user).filter(pk=catalog_id).first()


def rating_previews(
    user: User, flashcard_ids: list[int], now: datetime
) -> dict[int, dict[str, str]]:
    """For each card, when it would come back under each of the four ratings, now."""
    if not flashcard_ids:
        return {}
    scheduler = memory.scheduler_for(study_settings_of(user))
    rows = {
        p.flashcard_id: p
        for p in CardProgress.objects.filter(user=user, flashcard_id__in=flashcard_ids)
    }
    previews = {}
    for flashcard_id in flashcard_ids:
        progress = rows.get(flashcard_id) or CardProgress(pk=0)
        card = memory.card_of(progress)
        previews[flashcard_id] = {
            str(rating.value): scheduler.review_card(
                card, fsrs.Rating(rating.value), review_datetime=memory.as_utc(now)
            )[0].due.isoformat()
            for rating in Rating
        }
    return previews


def question_view(question: QuizQuestion, previews: dict[int, dict[str, str]]) -> dict[str, Any]:
    """A question as shown: the prompt and choices; the answer only once answered, except
    for flip, where the learner reveals the back and grades themselves."""
    code = question.quiz_type.code
    view: dict[str, Any] = {
        "id": question.pk,
        "position": question.position,
        "flashcard": question.flashcard_id,
        "quiz_type": code,
        "prompt": question.prompt,
        "shown_answer": question.shown_answer if code == "true_false" else None,
        "choices": question.choices,
        "hint": question.flashcard.hint or None,
        "answered": question.answered,
        "reveal": question.expected_answer if code == "flip" else None,
        "preview": previews.get(question.flashcard_id)
        if code == "flip" and not question.answered
        else None,
        "given_answer": None,
        "result": None,
    }
    if question.answered:
        view |= {"given_answer": question.given_answer, "result": question.result}
    return view


def quiz_view(
    user: User, quiz: Quiz, now: datetime, previewed: Collection[int] | None = None
) -> dict[str, Any]:
    """The quiz as the learner sees it. Each unanswered flip question comes with when its
    card would come back under each rating, or (`previewed`) only the questions of these
    ids: a page shows one question at a time, and the scheduler runs four times a card."""
    questions = list(quiz.questions.all())
    flips = [
        q.flashcard_id
        for q in questions
        if q.quiz_type.code == "flip"
        and not q.answered
        and (previewed is None or q.pk in previewed)
    ]
    previews = rating_previews(user, flips, now)
    return {
        "id": quiz.pk,
        "catalog": quiz.catalog_id,
        "difficulty": quiz.difficulty,
        "size": quiz.size,
        "answered": quiz.answered_count,
        "correct": quiz.correct_count,
        "score": quiz.score,
        "created_at": quiz.created_at,
        "completed_at": quiz.completed_at,
        "questions": [question_view(question, previews) for question in questions],
    }
