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
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from cerego.exceptions import DomainError
from cerego.paging import Paginator
from cerego.throttling import FailOpenScopedRateThrottle


class DetailSerializer(serializers.Serializer):
    """The body of every error and of answers that only say what happened."""

    detail = serializers.CharField()


class IdField(serializers.IntegerField):
    """An id: a JSON number or a string of ASCII digits (never "٣", "３" or true)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or (
            isinstance(data, str) and not (data.isascii() and data.strip().isdigit())
        ):
            self.fail("invalid")
        return super().to_internal_value(data)


class IsAdmin(BasePermission):
    """Staff only: signed in with `is_admin`."""

    message = "Only staff may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_admin", False))


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
    django_paginator_class = Paginator
    page_size_query_param = "page_size"
    max_page_size = 100


# An endpoint for people not signed in (join, register, reset): no credentials read, and
# a per-client limit on the cache-backed counter named by `throttle_scope`. (A comment, not
# a docstring: the schema would show it on every subclass without one of its own.)
class AnonymousThrottledView(APIView):
    authentication_classes = ()
    permission_classes = [AllowAny]
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope: str


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain errors to HTTP once, so every API error is JSON.

    Services raise Django's ValidationError; it becomes a 400 with DRF's field-error
    shape. Anything DRF does not know stays a 500 (logged) but still answers JSON.
    """
    if isinstance(exc, DomainError):
        return Response({"detail": exc.messages[0], **exc.extra()}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError) and not hasattr(exc, "error_dict"):
        # A rule about the whole request, not a field: said as {"detail"} like any refusal.
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
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


def _error(description: str) -> dict[str, Any]:
    return UNAUTHORIZED_RESPONSE | {"description": description}


def document_common_errors(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular hook for the answers every view shares, said here once: an
    operation that needs a token may answer 401, a paginated list or a path naming an
    object 404, a request body in a media type the view does not parse 415."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation["responses"]
            security = operation.get("security")
            if security and {} not in security:
                responses.setdefault("401", UNAUTHORIZED_RESPONSE)
            parameters = operation.get("parameters", [])
            if any(parameter.get("name") == "page" for parameter in parameters):
                responses.setdefault("404", _error("No such page."))
            if any(parameter.get("in") == "path" for parameter in parameters):
                responses.setdefault("404", _error("No such object, or not one of yours."))
            if "requestBody" in operation:
                responses.setdefault(
                    "415", _error("The body is not in one of the request's media types.")
                )
    return result
