from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.http import SignedInRequest
from cerego.exceptions import DomainError
from cerego.forms import add_service_errors
from quizzes.forms import LearningSettingsForm
from quizzes.models import ParameterFit
from quizzes.selectors.optimizer import parameter_fit_latest, parameter_fit_report
from quizzes.selectors.retention import retention_tradeoff
from quizzes.selectors.settings import learning_settings
from quizzes.services.optimizer import parameter_fit_request
from quizzes.services.settings import learning_settings_update


@login_required
def settings_edit(request: SignedInRequest) -> HttpResponse:
    form = LearningSettingsForm(request.POST or None, initial=learning_settings(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            learning_settings_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your learning settings are saved.")
            return redirect("settings")
    tradeoff = retention_tradeoff(request.user)
    context = {
        "form": form,
        "tradeoff": tradeoff,
        "retention_rows": retention_rows(tradeoff),
        "fit": parameter_fit_report(request.user, parameter_fit_latest(request.user)),
        **retention_charts(tradeoff),
    }
    return render(request, "quizzes/settings.html", context)


@login_required
@require_POST
def settings_optimize(request: SignedInRequest) -> HttpResponse:
    """ "Optimise now": fit the learner's parameters; a refusal is shown as a message."""
    try:
        fit = parameter_fit_request(user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("settings")
    fit.refresh_from_db()  # the immediate tasks backend has run it already
    if fit.active:
        messages.info(request, "Your parameters are being fitted; reload in a minute.")
    elif fit.status == ParameterFit.Status.FAILED:
        messages.error(request, fit.detail)
    elif fit.kept:
        messages.success(request, "Your personal parameters are fitted and now in use.")
    else:
        messages.success(request, "Fitted: the default parameters predict you as well, kept them.")
    return redirect("settings")


def retention_rows(tradeoff: dict[str, Any]) -> list[dict[str, Any]]:
    """The helper's points for the table, the learner's own retention marked."""
    chosen = tradeoff["desired_retention"]
    return [
        {**point, "percent": round(point["desired_retention"] * 100), "chosen": _is(point, chosen)}
        for point in tradeoff["points"]
    ]


def retention_charts(tradeoff: dict[str, Any]) -> dict[str, Any]:
    """The two charts of the retention helper in the shape static/js/charts.js draws; the
    learner's own retention is marked by a larger point and "(yours)" on its label."""
    points, chosen = tradeoff["points"], tradeoff["desired_retention"]
    labels = [
        f"{round(p['desired_retention'] * 100)}%" + (" (yours)" if _is(p, chosen) else "")
        for p in points
    ]
    marks = [6 if _is(p, chosen) else 2 for p in points]
    x = {"title": "Desired retention"}

    def chart(label: str, key: str, title: str) -> dict[str, Any]:
        data = [p[key] for p in points]
        dataset = {"label": label, "data": data, "pointRadius": marks}
        return {
            "type": "line",
            "labels": labels,
            "datasets": [dataset],
            "x": x,
            "y": {"min": 0, "title": title},
        }

    return {
        "reviews_chart": chart("Reviews a day", "reviews_per_day", "Reviews a day"),
        "memorised_chart": chart("Cards memorised after a year", "memorised", "Cards"),
    }


def _is(point: dict[str, Any], chosen: float) -> bool:
    return abs(point["desired_retention"] - chosen) < 0.005
