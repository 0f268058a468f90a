"""How django-axes names the account a login attempt is for, and when it locks it.

Two tiers, both counted in django-axes' access attempts (one row per username, client
address and user agent, in the database):

1. username and client address: `AXES_FAILURE_LIMIT` failures from one address lock the
   account *for that address* (`AXES_LOCKOUT_PARAMETERS`);
2. username alone: `ACCOUNT_LOCKOUT_USERNAME_LIMIT` failures summed over every address lock
   the account everywhere, against guessing spread over many addresses.

django-axes compares one count with one limit, so the second tier is added here, in the
handler that counts.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
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


class TieredLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, which also locks a username failed from everywhere.

    A stranger guessing from elsewhere locks only their own address out of the account
    (tier 1), until the account's failures over all addresses reach
    `ACCOUNT_LOCKOUT_USERNAME_LIMIT` within the cool-off (tier 2).
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Failures as the lock sees them: this client's, or the limit once tier 2 is reached.

        django-axes locks when this number reaches `AXES_FAILURE_LIMIT`, before and after
        each password check, so both tiers lock through this one method.
        """
        from_client = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if from_client < limit and self.account_failures(request, credentials) >= (
            settings.ACCOUNT_LOCKOUT_USERNAME_LIMIT
        ):
            return limit
        return from_client

    def account_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The failures for this username within the cool-off, from every address."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        attempts = AccessAttempt.objects.filter(
            username=username, attempt_time__gte=get_cool_off_threshold(request)
        )
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
