"""Domain errors of decks that callers answer differently from plain bad input."""

from typing import Any

from cerego.exceptions import DomainError


class DuplicateFlashcard(DomainError):
    """The word is already in the catalog: a 409 naming the card that already holds it."""

    status_code = 409
    field = "front"

    def __init__(self, *, duplicate_of: int, message: str = "This word is already in the catalog."):
        super().__init__(message, code="duplicate")
        self.duplicate_of = duplicate_of

    def extra(self) -> dict[str, Any]:
        return {"duplicate_of": self.duplicate_of}
