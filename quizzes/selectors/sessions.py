"""A study session as the web page shows it: what is due, where the learner is in a
quiz, how the last answer went, and how the whole session went."""

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from decks.models import Catalog
from decks.selectors import catalogs_visible_to
from quizzes import memory
from quizzes.models import Quiz, QuizQuestion, Rating
from quizzes.selectors import study
from quizzes.selectors.quizzes import quiz_view, quizzes_of
from quizzes.selectors.settings import study_settings_of

# Feedback that names the expected answer only where the learner had to produce it.
TYPED = frozenset({"typed", "reverse_typed"})
LEVEL_ORDER = {name: index for index, name in enumerate(memory.LEVEL_NAMES)}


def open_quiz_of(user: User, catalog: Catalog | None) -> Quiz | None:
    """The learner's newest unfinished quiz of this scope (a catalog, or everything due)."""
    unanswered = QuizQuestion.objects.filter(quiz=OuterRef("pk"), answered_at__isnull=True)
    return (
        quizzes_of(user)
        .filter(catalog=catalog, completed_at__isnull=True)
        .filter(Exists(unanswered))
        .first()
    )


def study_overview(user: User, catalog: Catalog | None, now: datetime) -> dict[str, Any]:
    """What a quiz started now would hold: due cards (within today's review limit) and new
    ones (within today's new-card limit)."""
    reviews_left, new_left = study.daily_room(user, study_settings_of(user), now)
    learning = study.due_progress(user, now=now, catalog=catalog, learning=True).count()
    learnt = study.due_progress(user, now=now, catalog=catalog, learning=False).count()
    new = study.new_flashcards(user, catalog=catalog)[:new_left].count() if new_left else 0
    due = learning + min(learnt, reviews_left)
    return {
        "due": due,
        "held_back": learnt - min(learnt, reviews_left),
        "new": new,
        "anything": bool(due or new),
    }


def _when(iso: str | None) -> datetime | None:
    return parse_datetime(iso) if iso else None


def _with_card(view: dict[str, Any], question: QuizQuestion) -> dict[str, Any]:
    """The card's language (for pronunciation and direction); its two sides once answered."""
    language = question.flashcard.language
    reversed_ = view["quiz_type"].startswith("reverse_")
    view |= {
        "language": language.code,
        "bidi": language.bidi,
        # The front is in the card's language; the back is the learner's own.
        "prompt_is_front": not reversed_,
        "previews": [
            {
                "rating": rating.value,
                "label": rating.label,
                "due": _when(view["preview"][str(rating.value)]),
            }
            for rating in Rating
        ]
        if view["preview"]
        else [],
    }
    if view["answered"]:
        result = view["result"] or {}
        view |= {
            "front": question.flashcard.front,
            "back": question.flashcard.back,
            "next_due": _when(result.get("next_due")),
            "show_diff": view["quiz_type"] in TYPED and bool(result.get("typo")),
            "typed": view["quiz_type"] in TYPED,
        }
    return view


def session_of(
    user: User, quiz: Quiz, now: datetime, answered_id: int | None = None
) -> dict[str, Any]:
    """The quiz, its first unanswered question, the feedback on `answered_id` (when it is
    one of its answered questions) and, once every question is answered, the summary."""
    questions = {q.pk: q for q in quiz.questions.all()}
    # The page shows the feedback, else the first unanswered question: only that one's
    # grades need their previews.
    shown = answered_id if answered_id in questions and questions[answered_id].answered else None
    if shown is None:
        shown = next((pk for pk, q in questions.items() if not q.answered), None)
    view = quiz_view(user, quiz, now, previewed=() if shown is None else (shown,))
    views = [_with_card(v, questions[v["id"]]) for v in view["questions"]]
    current = next((v for v in views if not v["answered"]), None)
    feedback = next((v for v in views if v["id"] == answered_id and v["answered"]), None)
    return view | {
        "questions": views,
        "catalog_name": quiz.catalog.name if quiz.catalog else None,
        # An unlisted catalog studied through its share link has no page of its own to
        # return to: the summary then offers everything due instead.
        "catalog_openable": quiz.catalog_id is not None
        and current is None
        and catalogs_visible_to(user).filter(pk=quiz.catalog_id).exists(),
        "current": current,
        "feedback": feedback,
        "percent": round(100 * view["score"]) if view["score"] is not None else None,
        "summary": quiz_summary(user, quiz) if current is None else None,
    }


def _strength_before(question: QuizQuestion, decay: float) -> tuple[int, str]:
    """The card's memory strength and level just before this answer, from its review log."""
    before = question.review_log.state_before if question.review_log else {}
    stability = before.get("stability")
    strength = memory.memory_strength(
        stability=stability,
        last_review=_when(before.get("last_review")),
        now=question.answered_at or timezone.now(),
        decay=decay,
    )
    return strength, memory.level_of(stability).name


def quiz_summary(user: User, quiz: Quiz) -> dict[str, Any]:
    """Score, cards strengthened, level changes and the next review, from the answered
    questions' own results and review logs (no query beyond the quiz's own)."""
    decay = memory.decay_of(memory.parameters_of(study_settings_of(user)))
    answered = [q for q in quiz.questions.all() if q.answered]
    strengthened, changes, next_dues = 0, [], []
    for question in answered:
        result = question.result or {}
        strength, level = _strength_before(question, decay)
        strengthened += result.get("memory_strength", 0) > strength
        if result.get("level") and result["level"] != level:
            changes.append(
                {
                    "front": question.flashcard.front,
                    "language": question.flashcard.language.code,
                    "before": level,
                    "after": result["level"],
                    "up": LEVEL_ORDER.get(result["level"], 0) > LEVEL_ORDER.get(level, 0),
                }
            )
        if due := _when(result.get("next_due")):
            next_dues.append(due)
    correct = sum(1 for q in answered if q.correct)
    return {
        "answered": len(answered),
        "correct": correct,
        "percent": round(100 * correct / len(answered)) if answered else None,
        "strengthened": strengthened,
        "level_changes": changes,
        "next_review": min(next_dues, default=None),
    }
