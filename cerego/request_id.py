"""A request id on every log line of a request, and on the response.

An incoming `X-Request-ID` (from a load balancer) is kept when it looks like an id, so one
request can be followed across services; otherwise a new one is made.
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")
_current: ContextVar[str | None] = ContextVar("request_id", default=None)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _ACCEPTED.fullmatch(incoming) else uuid.uuid4().hex
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _forget_request_id(**kwargs: object) -> None:
    # Cleared when the response is finished, not when the middleware returns: Django logs
    # 4xx/5xx responses (django.request) after the middleware chain, and those lines
    # belong to the request too.
    _current.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="cerego.request_id")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (None outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True
