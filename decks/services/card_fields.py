"""The rule every new card's fields must pass, whichever door it comes through.

Kept free of saving so the single-card service and the bulk import can share it.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from decks.models import (
    BACK_MAX_LENGTH,
    FRONT_MAX_LENGTH,
    HINT_MAX_LENGTH,
    Catalog,
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


def _length_error(label: str, value: str, limit: int) -> str | None:
    if not value:
        return f"The {label} is empty." if label != "hint" else None
    if len(value) > limit:
        return f"The {label} is {len(value)} characters long; at most {limit} are allowed."
    return None


def flashcard_fields_clean(
    *, front: str, back: str, hint: str = "", language: Language | None, catalog: Catalog | None
) -> CardFields:
    """Strip and check a card's fields as the card form does; ValidationError lists problems.

    `catalog` is the catalog the card goes into: when it has a language, the card must be
    in it (load it with `select_related("language")` to keep this free of queries).
    """
    front, back, hint = front.strip(), back.strip(), hint.strip()
    normalized = normalize_front(front)
    errors: dict[str, str] = {}
    for label, value, limit in (
        ("front", front, FRONT_MAX_LENGTH),
        ("back", back, BACK_MAX_LENGTH),
        ("hint", hint, HINT_MAX_LENGTH),
    ):
        if message := _length_error(label, value, limit):
            errors[label] = message
    if front and not normalized:
        errors.setdefault("front", "The front is empty.")
    elif len(normalized) > FRONT_MAX_LENGTH * 2:  # NFKC can expand a ligature many times
        errors.setdefault("front", "The front is too long once normalised.")
    if language is None:
        errors["language"] = "The card has no language: give one for the row or the import."
    elif catalog is not None and catalog.language_id and catalog.language_id != language.pk:
        assert catalog.language is not None  # noqa: S101 - implied by language_id
        errors["language"] = (
            f"The card is in “{language.code}” but every card of catalog “{catalog.name}” "
            f"is in “{catalog.language.code}”."
        )
    if errors:
        raise ValidationError(errors)
    assert language is not None  # noqa: S101 - checked above
    return CardFields(front, back, hint, normalized, language)
