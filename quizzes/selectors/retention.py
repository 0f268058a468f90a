"""The retention helper: what each desired retention would cost and bring a learner.

fsrs-rs's simulator studies the learner's collection for a year with their parameters,
daily limits and steps; the answer is cached per learner and inputs, because a large
collection takes a few tenths of a second per retention.
"""

import contextlib
import hashlib
import json
from typing import Any

import fsrs_rs_python as fsrs_rs
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q

from accounts.models import User
from decks.models import CatalogFlashcard, Flashcard
from decks.selectors import catalogs_in_collection_of
from quizzes import memory
from quizzes.models import CardProgress, StudySettings
from quizzes.selectors.settings import study_settings_of

RETENTIONS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 0.97)
DAYS = 365
SEED = 2026  # the same draws at every retention, so the curves differ by retention only
CACHE_SECONDS = 24 * 3600


def collection_size(user: User) -> int:
    """Cards in the learner's collection, and any others they have studied."""
    in_collection = CatalogFlashcard.objects.filter(
        flashcard=OuterRef("pk"), catalog__in=catalogs_in_collection_of(user)
    )
    studied = CardProgress.objects.filter(flashcard=OuterRef("pk"), user=user)
    return Flashcard.objects.filter(Q(Exists(in_collection)) | Q(Exists(studied))).count()


def retention_tradeoff(user: User) -> dict[str, Any]:
    """For each desired retention: reviews a day and cards memorised after a year."""
    study_settings = study_settings_of(user)
    inputs = _inputs(study_settings, collection_size(user))
    key = f"retention:{user.pk}:{hashlib.sha256(json.dumps(inputs).encode()).hexdigest()[:24]}"
    points = _cached(key)
    if points is None:
        points = [_simulate(inputs, retention) for retention in RETENTIONS]
        _cache(key, points)
    return {
        "cards": inputs["cards"],
        "days": DAYS,
        "desired_retention": study_settings.desired_retention,
        "personalised": study_settings.fsrs_parameters is not None,
        "points": points,
    }


def _cached(key: str) -> list[dict[str, Any]] | None:
    try:
        return cache.get(key)
    except Exception:  # the cache is best effort: with Redis down, simulate again
        return None


def _cache(key: str, points: list[dict[str, Any]]) -> None:
    with contextlib.suppress(Exception):  # best effort, as above
        cache.set(key, points, CACHE_SECONDS)


def _inputs(study_settings: StudySettings, cards: int) -> dict[str, Any]:
    return {
        "parameters": list(memory.parameters_of(study_settings)),
        "cards": cards,
        "new_limit": study_settings.daily_new_limit,
        "review_limit": study_settings.daily_review_limit,
        "maximum_interval": study_settings.maximum_interval,
        "learning_steps": len(study_settings.learning_steps),
        "relearning_steps": len(study_settings.relearning_steps),
    }


def _simulate(inputs: dict[str, Any], retention: float) -> dict[str, Any]:
    if not inputs["cards"]:
        return _point(retention, reviews=0.0, new=0.0, minutes=0.0, memorised=0.0)
    config = fsrs_rs.default_simulator_config()
    config.deck_size = inputs["cards"]
    config.learn_span = DAYS
    config.learn_limit = inputs["new_limit"]
    config.review_limit = inputs["review_limit"]
    config.max_ivl = float(inputs["maximum_interval"])
    config.max_cost_perday = 24 * 3600.0  # only the learner's own limits hold them back
    config.learning_step_count = inputs["learning_steps"]
    config.relearning_step_count = inputs["relearning_steps"]
    result = fsrs_rs.simulate(inputs["parameters"], retention, config, SEED)
    return _point(
        retention,
        reviews=sum(result.review_cnt_per_day) / DAYS,
        new=sum(result.learn_cnt_per_day) / DAYS,
        minutes=sum(result.cost_per_day) / DAYS / 60,
        memorised=result.memorized_cnt_per_day[-1],
    )


def _point(
    retention: float, *, reviews: float, new: float, minutes: float, memorised: float
) -> dict[str, Any]:
    return {
        "desired_retention": retention,
        "reviews_per_day": round(reviews, 1),
        "new_cards_per_day": round(new, 1),
        "minutes_per_day": round(minutes, 1),
        "memorised": round(memorised),
    }
