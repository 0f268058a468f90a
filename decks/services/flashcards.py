"""Writes on flashcards and on their places in catalogs.

Inside one catalog a word appears once. The database constraint on
(catalog, front_normalized) is the last word; these services check first so that the
usual case answers with the card that already holds the word, and turn the constraint's
IntegrityError (two writers at once) into the same answer.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from decks.exceptions import DuplicateFlashcard
from decks.models import (
    BACK_MAX_LENGTH,
    FRONT_MAX_LENGTH,
    HINT_MAX_LENGTH,
    Catalog,
    CatalogFlashcard,
    Flashcard,
    Language,
    normalize_front,
)

audit = logging.getLogger("audit")


def _clean_text(field: str, value: str, *, max_length: int, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationError({field: f"The {field} cannot be empty."})
    if len(value) > max_length:
        raise ValidationError({field: f"At most {max_length} characters (this has {len(value)})."})
    return value


def _card_language(*, language: Language | None, catalog: Catalog | None) -> Language:
    if catalog is not None and catalog.language is not None:
        if language is not None and language.pk != catalog.language_id:
            raise ValidationError(
                {"language": f"This catalog only takes cards in {catalog.language.name}."}
            )
        return catalog.language
    if language is None:
        raise ValidationError({"language": "Choose the card's language."})
    return language


def _raise_if_word_taken(*, catalog: Catalog, front_normalized: str) -> None:
    taken = (
        CatalogFlashcard.objects.filter(catalog=catalog, front_normalized=front_normalized)
        .values_list("flashcard_id", flat=True)
        .first()
    )
    if taken is not None:
        raise DuplicateFlashcard(duplicate_of=taken)


@transaction.atomic
def catalog_flashcard_add(*, catalog: Catalog, flashcard: Flashcard) -> CatalogFlashcard:
    """Put an existing card into a catalog (its language must fit; its word must be new).

    Only the catalog owner's own cards: whoever may edit a catalog may edit its cards, so
    taking in someone else's card would hand out the right to change it. Copy it instead.
    """
    if flashcard.owner_id != catalog.owner_id:
        raise ValidationError(
            {"flashcard_id": "Only cards of the catalog's owner can be added; copy it first."}
        )
    if catalog.language_id is not None and flashcard.language_id != catalog.language_id:
        raise ValidationError(
            {"flashcard_id": "The card's language is not the catalog's language."}
        )
    if CatalogFlashcard.objects.filter(catalog=catalog, flashcard=flashcard).exists():
        raise DuplicateFlashcard(duplicate_of=flashcard.pk)
    _raise_if_word_taken(catalog=catalog, front_normalized=flashcard.front_normalized)
    try:
        with transaction.atomic():
            return CatalogFlashcard.objects.create(
                catalog=catalog, flashcard=flashcard, front_normalized=flashcard.front_normalized
            )
    except IntegrityError:
        # Another writer added the same word between our check and our insert.
        _raise_if_word_taken(catalog=catalog, front_normalized=flashcard.front_normalized)
        raise


@transaction.atomic
def flashcard_create(
    *,
    owner: User,
    front: str,
    back: str,
    hint: str = "",
    language: Language | None = None,
    catalog: Catalog | None = None,
) -> Flashcard:
    """Create a card, and add it to `catalog` when given.

    The language defaults to the catalog's; a different one is refused. A card added to a
    catalog belongs to the catalog's owner, whoever of its editors typed it.
    """
    front = _clean_text("front", front, max_length=FRONT_MAX_LENGTH)
    card = Flashcard(
        owner=catalog.owner if catalog is not None else owner,
        front=front,
        front_normalized=normalize_front(front),
        back=_clean_text("back", back, max_length=BACK_MAX_LENGTH),
        hint=_clean_text("hint", hint, max_length=HINT_MAX_LENGTH, required=False),
        language=_card_language(language=language, catalog=catalog),
    )
    if catalog is not None:
        _raise_if_word_taken(catalog=catalog, front_normalized=card.front_normalized)
    card.save()
    if catalog is not None:
        catalog_flashcard_add(catalog=catalog, flashcard=card)
    return card


@transaction.atomic
def flashcard_update(
    *,
    flashcard: Flashcard,
    front: str | None = None,
    back: str | None = None,
    hint: str | None = None,
    language: Language | None = None,
) -> Flashcard:
    """Edit a card; a new front is kept in sync in every catalog the card sits in.

    A front that another card of one of those catalogs already holds is refused (409),
    and so is a language that one of those catalogs does not take.
    """
    if front is not None:
        flashcard.front = _clean_text("front", front, max_length=FRONT_MAX_LENGTH)
        flashcard.front_normalized = normalize_front(flashcard.front)
    if back is not None:
        flashcard.back = _clean_text("back", back, max_length=BACK_MAX_LENGTH)
    if hint is not None:
        flashcard.hint = _clean_text("hint", hint, max_length=HINT_MAX_LENGTH, required=False)
    if language is not None and language.pk != flashcard.language_id:
        if flashcard.catalogs.exclude(language=None).exclude(language=language).exists():
            raise ValidationError({"language": "The card sits in a catalog of another language."})
        flashcard.language = language
    flashcard.save()
    if front is not None:
        _memberships_front_sync(flashcard)
    return flashcard


def _memberships_front_sync(flashcard: Flashcard) -> None:
    memberships = flashcard.memberships.exclude(front_normalized=flashcard.front_normalized)
    catalog_ids = list(memberships.values_list("catalog_id", flat=True))
    _raise_if_word_taken_in(catalog_ids, flashcard)
    try:
        with transaction.atomic():
            memberships.update(front_normalized=flashcard.front_normalized)
    except IntegrityError:
        # Another writer put the word into one of these catalogs meanwhile.
        _raise_if_word_taken_in(catalog_ids, flashcard)
        raise


def _raise_if_word_taken_in(catalog_ids: list[int], flashcard: Flashcard) -> None:
    taken = (
        CatalogFlashcard.objects.filter(
            catalog_id__in=catalog_ids, front_normalized=flashcard.front_normalized
        )
        .exclude(flashcard=flashcard)
        .values_list("flashcard_id", flat=True)
        .first()
    )
    if taken is not None:
        raise DuplicateFlashcard(duplicate_of=taken)


@transaction.atomic
def flashcard_delete(*, flashcard: Flashcard, by: User) -> None:
    """Delete the card everywhere: from every catalog it sits in."""
    audit.info(
        "flashcard deleted",
        extra={"event": "flashcard_delete", "flashcard": flashcard.pk, "user": by.pk},
    )
    flashcard.delete()


@transaction.atomic
def catalog_flashcard_remove(*, catalog: Catalog, flashcard: Flashcard) -> None:
    """Take a card out of a catalog; the card itself stays with its owner."""
    CatalogFlashcard.objects.filter(catalog=catalog, flashcard=flashcard).delete()
