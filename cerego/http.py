"""Request helpers every app's pages and API views use."""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from axes.helpers import get_client_ip_address
from django.http import HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from cerego.throttling import FailOpenScopedRateThrottle

THROTTLED_MESSAGE = "Too many attempts from your network. Please wait a while and try again."


class HtmxRequest(HttpRequest):
    """Any page request: django-htmx's details are always there."""

    htmx: HtmxDetails


def client_ip(request: HttpRequest | Request | None) -> str | None:
    """The client's address as the lockout sees it, so audit and lockout agree."""
    if request is None:
        return None
    return get_client_ip_address(request)


def throttle_allows(request: HttpRequest, scope: str) -> bool:
    """Count a web form post against the same cache-backed limit as the API door.

    Both doors share one counter per scope and client, so switching door buys nothing.
    """
    return FailOpenScopedRateThrottle().allow_request(
        request,  # type: ignore[arg-type]
        SimpleNamespace(throttle_scope=scope),  # type: ignore[arg-type]
    )


def ascii_id(value: str | None) -> int | None:
    """An id from a query parameter: ASCII digits only, or None.

    `str.isdigit` is true of "²" and "٣", which `int()` then refuses or reads as another
    number; an id in a URL is plain 0-9.
    """
    if value and value.isascii() and value.isdigit():
        return int(value)
    return None


View = Callable[..., HttpResponse]


def signed_in_or(signed_in: View, anonymous: View) -> View:
    """One address, two pages: `signed_in` for a signed-in user, `anonymous` for anyone else
    (the home page is the dashboard or the landing page)."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = signed_in if request.user.is_authenticated else anonymous
        return chosen(request, *args, **kwargs)

    return view
