"""Reads about personalised parameters: the learner's last fit and how far they are."""

from typing import Any

from django.conf import settings

from accounts.models import User
from quizzes import fitting
from quizzes.models import ParameterFit, ReviewLog


def review_count(user: User) -> int:
    return ReviewLog.objects.filter(user=user).count()


def parameter_fit_latest(user: User) -> ParameterFit | None:
    return ParameterFit.objects.filter(user=user).order_by("-created_at", "-id").first()


def parameter_fit_report(user: User, fit: ParameterFit | None) -> dict[str, Any]:
    """A fit as the API shows it; without one, status "none" and the learner's reviews."""
    report: dict[str, Any] = {
        "status": "none",
        "reviews": 0,
        "reviews_needed": settings.FSRS_OPTIMIZE_MIN_REVIEWS,
        "log_loss_default": None,
        "log_loss_fitted": None,
        "rmse_default": None,
        "rmse_fitted": None,
        "kept": False,
        "fitted_at": None,
        "created_at": None,
        "detail": "",
        "health": None,
    }
    if fit is None:
        report["reviews"] = review_count(user)
        return report
    for name in (
        "status",
        "reviews",
        "log_loss_default",
        "log_loss_fitted",
        "rmse_default",
        "rmse_fitted",
        "kept",
        "fitted_at",
        "created_at",
        "detail",
    ):
        report[name] = getattr(fit, name)
    if fit.status == ParameterFit.Status.DONE:
        report["health"] = vars(fitting.health_of(outcome_of(fit)))
    return report


def outcome_of(fit: ParameterFit) -> fitting.FitOutcome:
    """A finished fit's figures, as the fitting module judges them."""
    return fitting.FitOutcome(
        reviews=fit.reviews,
        targets=fit.targets,
        default=fitting.Metrics(fit.log_loss_default or 0.0, fit.rmse_default or 0.0),
        fitted=fitting.Metrics(fit.log_loss_fitted or 0.0, fit.rmse_fitted or 0.0),
        kept=fit.kept,
        parameters=tuple(fit.parameters or ()),
    )
