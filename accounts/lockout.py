"""How django-axes names the account a login attempt is for."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from accounts.selectors import user_by_login


def account_lockout_key(user: User) -> str:
    """The name django-axes counts an existing account's failures under."""
    return user.username.lower()


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """One counter per account, whether the attempt used the username or the email.

    Unknown names are counted as typed (lower-cased), so guessing does not reveal
    which names exist: they lock exactly like real ones.
    """
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = getattr(request, "data", request.POST).get("username", "")
    login = str(raw).strip()[:254]
    user = user_by_login(login)
    return account_lockout_key(user) if user else login.lower()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page a locked-out login gets: what happened, for how long, what to do."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/locked_out.html", context, status=429)
