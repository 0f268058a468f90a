"""Writes on flashcards and on their places in catalogs.

Inside one catalog a word appears once. The database constraint on
(catalog, front_normalized) is the last word; these services check first so that the
usual case answers with the card that already holds the word, and turn the constraint's
IntegrityError (two writers at once) into the same answer.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from cerego.bulk import ids_reserve, rows_insert
from decks.exceptions import DuplicateFlashcard
from decks.models import Catalog, CatalogFlashcard, Flashcard, Language
from decks.services.audit import decks_event_record
from decks.services.card_fields import CardFields, catalog_language_error, flashcard_fields_clean


def _membership(catalog_id: int, flashcard: Flashcard) -> CatalogFlashcard:
    # The membership keeps its own copy of the word for the per-catalog unique constraint.
    return CatalogFlashcard(
        catalog_id=catalog_id, flashcard=flashcard, front_normalized=flashcard.front_normalized
    )


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
    if catalog.language_id not in (None, flashcard.language_id):  # spares the language query
        message = catalog_language_error(language=flashcard.language, catalog=catalog)
        raise ValidationError({"flashcard_id": message})
    if CatalogFlashcard.objects.filter(catalog=catalog, flashcard=flashcard).exists():
        raise DuplicateFlashcard(duplicate_of=flashcard.pk)
    _raise_if_word_taken(catalog=catalog, front_normalized=flashcard.front_normalized)
    try:
        with transaction.atomic():
            membership = _membership(catalog.pk, flashcard)
            membership.save()
            return membership
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
    fields = flashcard_fields_clean(
        front=front, back=back, hint=hint, language=language, catalog=catalog
    )
    card = fields.flashcard(owner=catalog.owner if catalog is not None else owner)
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
    fields = flashcard_fields_clean(
        front=flashcard.front if front is None else front,
        back=flashcard.back if back is None else back,
        hint=flashcard.hint if hint is None else hint,
        language=language or flashcard.language,
    )
    if fields.language.pk != flashcard.language_id:
        _language_fits_every_catalog(flashcard, fields.language)
    flashcard.front, flashcard.front_normalized = fields.front, fields.front_normalized
    flashcard.back, flashcard.hint, flashcard.language = fields.back, fields.hint, fields.language
    flashcard.save()
    if front is not None:
        _memberships_front_sync(flashcard)
    return flashcard


def _language_fits_every_catalog(flashcard: Flashcard, language: Language) -> None:
    clashing = (
        flashcard.catalogs.exclude(language=None)
        .exclude(language=language)
        .select_related("language")
        .first()
    )
    if clashing is not None:
        message = catalog_language_error(language=language, catalog=clashing)
        raise ValidationError({"language": message})


@transaction.atomic(savepoint=False)  # the ids are reserved in the writes' transaction
def flashcards_bulk_create(*, owner: User, cards: Sequence[tuple[int, CardFields]]) -> list[int]:
    """Create `owner`'s cards, each put into the catalog of the given id; their ids, in
    order. Two bulk writes (cerego.bulk: COPY on PostgreSQL, executemany on SQLite) and
    the id reservation, however many cards.

    The fields must have passed `flashcard_fields_clean`, and each word must be new to
    its catalog: the callers (copy, import) have already set duplicates aside.
    """
    if not cards:
        return []
    ids = ids_reserve(Flashcard, len(cards))
    now = timezone.now()  # the auto_now(_add) fields, as the ORM would fill them
    rows_insert(
        Flashcard,
        CARD_COLUMNS,
        (
            (pk, f.front, f.front_normalized, f.back, f.hint, f.language.pk, owner.pk)
            for pk, (_, f) in zip(ids, cards, strict=True)
        ),
        constants=dict.fromkeys(CARD_MOMENTS, now),
    )
    rows_insert(
        CatalogFlashcard,
        MEMBERSHIP_COLUMNS,
        (
            (catalog_id, pk, f.front_normalized)
            for pk, (catalog_id, f) in zip(ids, cards, strict=True)
        ),
        constants=dict.fromkeys(MEMBERSHIP_MOMENTS, now),
    )
    return ids


# With the moments given as constants, every concrete column of the two models: a column
# added to either fails decks/tests/test_bulk_writes.py until the bulk write fills it.
CARD_COLUMNS = ("id", "front", "front_normalized", "back", "hint", "language_id", "owner_id")
CARD_MOMENTS = ("created_at", "updated_at")
MEMBERSHIP_COLUMNS = ("catalog_id", "flashcard_id", "front_normalized")
MEMBERSHIP_MOMENTS = ("added_at",)


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
def flashcard_delete(*, flashcard: Flashcard, by: User, ip: str | None = None) -> None:
    """Delete the card everywhere: from every catalog it sits in."""
    decks_event_record(event="deleted", subject=flashcard, by=by, ip=ip)
    flashcard.delete()


@transaction.atomic
def catalog_flashcard_remove(*, catalog: Catalog, flashcard: Flashcard) -> None:
    """Take a card out of a catalog; the card itself stays with its owner."""
    CatalogFlashcard.objects.filter(catalog=catalog, flashcard=flashcard).delete()
