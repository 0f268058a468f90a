"""The signed-in home page: what to study now and how the learner's memory is doing."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.http import SignedInRequest
from quizzes.selectors.progress import dashboard_of
from quizzes.views import charts


@login_required
@require_safe
def dashboard(request: SignedInRequest) -> HttpResponse:
    figures = dashboard_of(request.user, now=timezone.now())
    histogram = figures["summary"]["memory_strength_histogram"]
    context = figures | {
        "strength_bands": charts.strength_bands(histogram),
        "strength_chart": charts.strength_distribution(histogram),
    }
    return render(request, "quizzes/dashboard.html", context)
