"""Everything under /api/v1/: each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("auth/", include("accounts.api.urls")),
    path("", include("quizzes.api.urls")),
    path("", include("waitlist.api.urls")),
    path("", include("decks.api.urls")),
]
