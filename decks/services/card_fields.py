"""The rule every card's fields must pass, whichever door they come through.

Kept free of saving so the single-card services (create, update) and the bulk import
share it: the same trimming, limits, language rule and messages everywhere.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from accounts.models import User
from decks.markup import card_text_clean
from decks.models import (
    BACK_MAX_LENGTH,
    FRONT_MAX_LENGTH,
    HINT_MAX_LENGTH,
    Catalog,
    Flashcard,
    Language,
    normalize_front,
)


@dataclass(frozen=True, slots=True)
class CardFields:
    front: str
    back: str
    hint: str
    front_normalized: str
    language: Language

    @classmethod
    def of(cls, card: Flashcard) -> "CardFields":
        """The fields of a card already saved (they passed the rule then)."""
        return cls(card.front, card.back, card.hint, card.front_normalized, card.language)

    def flashcard(self, *, owner: User) -> Flashcard:
        """A new, unsaved card of `owner` with these fields."""
        return Flashcard(
            front=self.front,
            front_normalized=self.front_normalized,
            back=self.back,
            hint=self.hint,
            language=self.language,
            owner=owner,
        )


def unknown_language_message(code: str) -> str:
    return f"Unknown language code “{code[:20]}”."


def catalog_language_error(*, language: Language, catalog: Catalog) -> str | None:
    """Why a card in `language` may not sit in `catalog`, or None when it may."""
    if catalog.language_id is None or catalog.language_id == language.pk:
        return None
    assert catalog.language is not None  # noqa: S101 - implied by language_id
    return (
        f"The card's language is {language.name}, but every card of catalog “{catalog.name}” "
        f"is in {catalog.language.name}."
    )


# C0 control characters but tab and newline (a carriage return is made a newline first).
# Nobody types them on purpose; they show as nothing or as boxes, hide text from searches
# and duplicate checks, and PostgreSQL cannot store NUL at all.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f]")


def text_newlines_normalize(value: str) -> str:
    """Windows (CRLF) and old Mac (CR) line ends as newlines: browsers send textareas so."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def control_character_error(label: str, value: str) -> str | None:
    """Why `value` may not be stored as the `label` of a card or catalog, if it holds a
    control character; run after `text_newlines_normalize`."""
    if found := _CONTROL_CHARACTER.search(value):
        return f"The {label} contains an invisible control character (U+{ord(found[0]):04X})."
    return None


def control_characters_remove(value: str) -> str:
    """`value` with its control characters made spaces, for names taken from files."""
    return _CONTROL_CHARACTER.sub(" ", text_newlines_normalize(value))


def _text_error(label: str, value: str, limit: int) -> str | None:
    if not value:
        return f"The {label} is empty." if label != "hint" else None
    if message := control_character_error(label, value):
        return message
    if len(value) > limit:
        return f"The {label} is {len(value)} characters long; at most {limit} are allowed."
    return None


def flashcard_fields_clean(
    *,
    front: str,
    back: str,
    hint: str = "",
    language: Language | None,
    catalog: Catalog | None = None,
) -> CardFields:
    """Strip and check a card's fields; ValidationError lists every problem, by field.

    HTML beyond the formatting subset is reduced to its text here (`decks.markup`), so
    every door stores card text the same way.

    `catalog` is the catalog the card goes into: the language defaults to the catalog's,
    and another one is refused (load it with `select_related("language")` to keep this
    free of queries).
    """
    front, back, hint = (
        card_text_clean(text_newlines_normalize(text)).strip() for text in (front, back, hint)
    )
    normalized = normalize_front(front)
    errors: dict[str, str] = {}
    for label, value, limit in (
        ("front", front, FRONT_MAX_LENGTH),
        ("back", back, BACK_MAX_LENGTH),
        ("hint", hint, HINT_MAX_LENGTH),
    ):
        if message := _text_error(label, value, limit):
            errors[label] = message
    if front and not normalized:
        errors.setdefault("front", "The front is empty.")
    elif len(normalized) > FRONT_MAX_LENGTH * 2:  # NFKC can expand a ligature many times
        errors.setdefault("front", "The front is too long once normalised.")
    if language is None and catalog is not None:
        language = catalog.language
    if language is None:
        errors["language"] = "The card has no language: choose one."
    elif catalog is not None and (
        message := catalog_language_error(language=language, catalog=catalog)
    ):
        errors["language"] = message
    if errors:
        raise ValidationError(errors)
    assert language is not None  # noqa: S101 - checked above
    return CardFields(front, back, hint, normalized, language)
