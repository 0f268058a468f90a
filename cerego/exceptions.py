"""The base of domain errors that answer with their own HTTP status."""

from typing import Any

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """Bad input with a status of its own and extra fields in the API's answer.

    A ValidationError, so forms show it like any other (on `field` when set); the API's
    exception handler answers `{"detail": message, **extra()}` with `status_code`.
    """

    status_code = 400
    field: str | None = None

    def extra(self) -> dict[str, Any]:
        return {}
