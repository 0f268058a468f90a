"""Process-level endpoints: health probes and the error pages."""

import logging
import sys

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from cerego.api import bad_request_detail

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests; checks nothing else."""
    return JsonResponse({"status": "ok"})


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("readiness: database unreachable")
        return False


def _cache_ready() -> bool:
    try:
        cache.set("readyz", "ok", timeout=10)
        return cache.get("readyz") == "ok"
    except Exception:
        logger.exception("readiness: cache unreachable")
        return False


def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to take traffic: the database and the cache both answer."""
    checks = {
        "database": "ok" if _database_ready() else "unavailable",
        "cache": "ok" if _cache_ready() else "unavailable",
    }
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, raw JSON)."""
    # Temporary, so a browser never pins an old hashed file name.
    return redirect(static("favicon.svg"))


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _is_api_route(path: str) -> bool:
    try:
        return resolve(path).url_name != "api-not-found"
    except Resolver404:
        return False


@csrf_exempt
def api_not_found(request: HttpRequest) -> JsonResponse:
    """Any path under /api/ that no route takes, in DEBUG too (Django's 404 page is HTML).

    A path that exists with a trailing slash says so instead of redirecting (Django's
    APPEND_SLASH): a client that follows a redirect turns its POST into a GET and drops
    the body, and a 404 naming the right path is what a mobile developer can act on.
    """
    path = request.path_info
    if not path.endswith("/") and _is_api_route(f"{path}/"):
        detail = f"Not found: the path needs a trailing slash, {request.path}/"
        return JsonResponse({"detail": detail}, status=404)
    return JsonResponse({"detail": "Not found."}, status=404)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": bad_request_detail(exception)}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


# The database down, restarting or over its statement timeout: worth trying again shortly.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 while the database is away. Renders nothing that needs the database (no user,
    no session): the page must not fail the same way."""
    if _wants_json(request):
        detail = "The service is briefly unavailable. Try again in a few seconds."
        response: HttpResponse = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while the exception is being handled, so it is still at hand.
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    if _wants_json(request):
        return JsonResponse({"detail": "Internal server error."}, status=500)
    return render(request, "500.html", status=500)
