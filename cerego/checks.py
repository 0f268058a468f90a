"""System checks of our own settings; the deploy ones run with `manage.py check --deploy`."""

from typing import Any

from django.conf import settings
from django.core import checks

from cerego.settings import weak_secret_error


@checks.register(checks.Tags.security, deploy=True)
def jwt_secret_key_check(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """The key that signs the API's tokens passes the rule SECRET_KEY does (security.W009)."""
    refusal = weak_secret_error("JWT_SECRET_KEY", settings.SIMPLE_JWT["SIGNING_KEY"])
    return [checks.Warning(refusal, id="cerego.W001")] if refusal else []
