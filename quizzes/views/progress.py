"""The statistics page and a card's own history."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.http import SignedInRequest
from cerego.http import ascii_id
from decks.models import Catalog
from decks.selectors import catalogs_in_collection_of, flashcards_visible_to
from quizzes.selectors.progress import (
    flashcard_history,
    learner_decay,
    leeches_of,
    progress_of,
    progress_row,
    progress_summary,
)
from quizzes.selectors.quizzes import catalog_to_study
from quizzes.selectors.stats import statistics_of
from quizzes.views import charts


def _scope(request: SignedInRequest) -> Catalog | None:
    """The catalog chosen with ?catalog=, None for the whole collection; 404 for one the
    learner may not open."""
    chosen = request.GET.get("catalog", "")
    if not chosen:
        return None
    catalog_id = ascii_id(chosen)
    catalog = catalog_to_study(request.user, catalog_id) if catalog_id else None
    if catalog is None:
        raise Http404
    return catalog


@login_required
@require_safe
def statistics(request: SignedInRequest) -> HttpResponse:
    user, now, catalog = request.user, timezone.now(), _scope(request)
    summary = progress_summary(user, now=now, catalog=catalog)
    stats = statistics_of(user, now=now, catalog=catalog)
    histogram = summary["memory_strength_histogram"]
    context = {
        "catalog": catalog,
        "choices": catalogs_in_collection_of(user).order_by("name", "id").only("pk", "name"),
        "summary": summary,
        "stats": stats,
        "retention_weeks": [week for week in stats["retention_per_week"] if week["reviews"]],
        "leeches": leeches_of(user, now=now, catalog=catalog),
        "strength_bands": charts.strength_bands(histogram),
        "strength_chart": charts.strength_distribution(histogram),
        "forecast_chart": charts.forecast(summary["forecast"]),
        "retention_chart": charts.retention(
            stats["retention_per_week"], desired=stats["desired_retention"]
        ),
        "catalog_chart": charts.catalog_strengths(stats["catalogs"]),
        "prediction_chart": charts.prediction(stats["prediction"]["days"]),
    }
    return render(request, "quizzes/statistics.html", context)


@login_required
@require_safe
def card_detail(request: SignedInRequest, flashcard_id: int) -> HttpResponse:
    user, now = request.user, timezone.now()
    flashcard = get_object_or_404(
        flashcards_visible_to(user).select_related("language"), pk=flashcard_id
    )
    progress = progress_of(user, now=now).filter(flashcard=flashcard).first()
    history = flashcard_history(user, flashcard_id=flashcard.pk, now=now)
    context = {
        "flashcard": flashcard,
        "progress": progress and progress_row(progress, now=now, decay=learner_decay(user)),
        "history": history,
        "curve_chart": charts.strength_curve(history["memory_strength_curve"]),
    }
    return render(request, "quizzes/card_detail.html", context)
