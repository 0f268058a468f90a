"""The signed-in home page: what to study now and how the learner's memory is doing."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.http import SignedInRequest
from quizzes.selectors.progress import catalog_due_counts, leeches_of, progress_summary
from quizzes.selectors.settings import study_settings_of
from quizzes.selectors.study import daily_limits_used
from quizzes.views import charts


@login_required
@require_safe
def dashboard(request: SignedInRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    summary = progress_summary(user, now=now)
    due_in = catalog_due_counts(user, now=now)
    catalogs = [row | {"due": due_in.get(row["catalog"], 0)} for row in summary["catalogs"]]
    context = {
        "summary": summary,
        "due_later_today": summary["due_today"] - summary["due_now"],
        "limits": daily_limits_used(user, study_settings_of(user), now),
        "catalogs": catalogs,
        "leeches": leeches_of(user, now=now),
        "getting_started": not summary["levels"] and not any(row["cards"] for row in catalogs),
        "strength_bands": charts.strength_bands(summary["memory_strength_histogram"]),
        "strength_chart": charts.strength_distribution(summary["memory_strength_histogram"]),
    }
    return render(request, "quizzes/dashboard.html", context)
