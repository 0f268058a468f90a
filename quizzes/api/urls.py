from django.urls import path
from rest_framework.routers import SimpleRouter

from quizzes.api import account_data, optimize, progress, quizzes, reviews, settings, stats

router = SimpleRouter()
router.register("quiz-types", quizzes.QuizTypeViewSet, basename="quiz-type")
router.register("quizzes", quizzes.QuizViewSet, basename="quiz")
router.register("progress", progress.ProgressViewSet, basename="progress")

urlpatterns = [
    path("auth/settings/", settings.SettingsView.as_view(), name="api-settings"),
    path("auth/settings/optimize/", optimize.OptimizeView.as_view(), name="api-settings-optimize"),
    path(
        "auth/settings/retention/", optimize.RetentionView.as_view(), name="api-settings-retention"
    ),
    path("auth/export/", account_data.AccountExportView.as_view(), name="api-account-export"),
    path("reviews/sync/", reviews.ReviewSyncView.as_view(), name="api-reviews-sync"),
    path("stats/", stats.StatisticsView.as_view(), name="api-stats"),
    *router.urls,
]
