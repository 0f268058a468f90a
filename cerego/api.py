"""API plumbing shared by every app: one error format, one pagination."""

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions, pagination, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from decks.exceptions import DuplicateFlashcard

# What Django answers with its HTML 400 page (in DEBUG, its technical page), said in JSON.
BAD_REQUEST_DETAILS: dict[type[SuspiciousOperation], str] = {
    RequestDataTooBig: "The request body is too large.",
    TooManyFieldsSent: "The request has too many fields.",
    TooManyFilesSent: "The request has too many files.",
    DisallowedHost: "Invalid Host header.",
}


def bad_request_detail(exc: Exception) -> str:
    kinds = (detail for kind, detail in BAD_REQUEST_DETAILS.items() if isinstance(exc, kind))
    return next(kinds, "Bad request.")


def _log_suspicious(exc: SuspiciousOperation, request: HttpRequest | None) -> None:
    # The logger and level Django itself uses, so alerting on django.security keeps working.
    logger = logging.getLogger(f"django.security.{exc.__class__.__name__}")
    logger.error(str(exc), extra={"status_code": 400, "request": request})


class ApiHostMiddleware:
    """A Host header outside ALLOWED_HOSTS answers JSON under /api/, in DEBUG too.

    Django refuses it in the first middleware that reads the host, with an HTML page (in
    DEBUG its technical page, which no handler400 replaces); so this one goes first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            try:
                request.get_host()
            except DisallowedHost as refused:
                _log_suspicious(refused, request)
                return JsonResponse({"detail": bad_request_detail(refused)}, status=400)
        return self.get_response(request)


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


# An endpoint for people not signed in (join, register, reset): no credentials read, and
# a per-client limit on the cache-backed counter named by `throttle_scope`. (A comment, not
# a docstring: the schema would show it on every subclass without one of its own.)
class AnonymousThrottledView(APIView):
    authentication_classes = ()
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope: str


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain errors to HTTP once, so every API error is JSON.

    Services raise Django's ValidationError; it becomes a 400 with DRF's field-error
    shape. A duplicate word is a 409 naming the card that holds it. A body Django refuses
    (too large, too many fields) is a 400, in DEBUG too. Anything DRF does not know stays
    a 500 (logged) but still answers JSON.
    """
    if isinstance(exc, DuplicateFlashcard):
        return Response(
            {"detail": exc.messages[0], "duplicate_of": exc.duplicate_of},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, SuspiciousOperation):
        _log_suspicious(exc, context.get("request"))
        exc = exceptions.ParseError(bad_request_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(response.data, list):
        response.data = {"detail": response.data}
    return response


UNAUTHORIZED_RESPONSE: dict[str, Any] = {
    "description": "Missing, invalid or expired access token.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    },
}


def document_common_errors(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular hook for the answers every view shares, said here once: an
    operation that needs a token may answer 401, a paginated list 404 for a missing page."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            security = operation.get("security")
            if security and {} not in security:
                operation["responses"].setdefault("401", UNAUTHORIZED_RESPONSE)
            if any(
                parameter.get("name") == "page" for parameter in operation.get("parameters", [])
            ):
                operation["responses"].setdefault(
                    "404", UNAUTHORIZED_RESPONSE | {"description": "No such page."}
                )
    return result
