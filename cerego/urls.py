from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from cerego import views
from cerego.http import signed_in_or
from cerego.settings import SECURE_CSP
from quizzes.views.dashboard import dashboard
from waitlist.views import landing

# The API documentation pages style themselves inline; everything else keeps the strict policy.
DOCS_CSP = SECURE_CSP | {
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "worker-src": [CSP.SELF, "blob:"],
}

urlpatterns = [
    path("", signed_in_or(dashboard, landing), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("waitlist.urls")),
    path("", include("quizzes.urls")),
    path("", include("decks.urls")),
    path("api/v1/", include("cerego.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs",
        csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
    path(
        "redoc",
        csp_override(DOCS_CSP)(SpectacularRedocView.as_view(url_name="schema")),
        name="redoc",
    ),
    # Last: whatever else starts with api/ answers JSON, never Django's HTML pages.
    re_path(r"^api/", views.api_not_found, name="api-not-found"),
]

handler400 = "cerego.views.bad_request"
handler404 = "cerego.views.page_not_found"
handler500 = "cerego.views.server_error"
