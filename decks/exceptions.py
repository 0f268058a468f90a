"""Domain errors of decks that callers answer differently from plain bad input."""

from django.core.exceptions import ValidationError


class DuplicateFlashcard(ValidationError):
    """The word is already in the catalog.

    A ValidationError, so forms show it on the front field like any other error; the API's
    exception handler turns it into a 409 naming the card that already holds the word.
    """

    def __init__(self, *, duplicate_of: int, message: str = "This word is already in the catalog."):
        super().__init__(message, code="duplicate")
        self.duplicate_of = duplicate_of
