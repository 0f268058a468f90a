"""Writes on catalogs: create, change, delete, copy."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from decks.models import (
    CATALOG_DESCRIPTION_MAX_LENGTH,
    CATALOG_NAME_MAX_LENGTH,
    Catalog,
    CatalogLearner,
    Language,
    new_share_token,
)
from decks.services.audit import decks_event_record
from decks.services.card_fields import (
    CardFields,
    control_character_error,
    text_newlines_normalize,
)
from decks.services.flashcards import flashcards_bulk_create


def _clean_name(name: str) -> str:
    if message := control_character_error("name", text_newlines_normalize(name)):
        raise ValidationError({"name": message})
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "A catalog needs a name."})
    if len(name) > CATALOG_NAME_MAX_LENGTH:
        raise ValidationError({"name": f"At most {CATALOG_NAME_MAX_LENGTH} characters."})
    return name


def _clean_description(description: str) -> str:
    description = text_newlines_normalize(description).strip()
    if message := control_character_error("description", description):
        raise ValidationError({"description": message})
    if len(description) > CATALOG_DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            {"description": f"At most {CATALOG_DESCRIPTION_MAX_LENGTH} characters."}
        )
    return description


def _clean_visibility(visibility: str) -> str:
    if visibility not in Catalog.Visibility.values:
        raise ValidationError(
            {"visibility": f"Choose one of: {', '.join(Catalog.Visibility.values)}."}
        )
    return visibility


@transaction.atomic
def catalog_create(
    *,
    owner: User,
    name: str,
    description: str = "",
    visibility: str = Catalog.Visibility.PRIVATE,
    language: Language | None = None,
) -> Catalog:
    catalog = Catalog(
        owner=owner,
        name=_clean_name(name),
        description=_clean_description(description),
        visibility=_clean_visibility(visibility),
        language=language,
    )
    if catalog.visibility == Catalog.Visibility.UNLISTED:
        catalog.share_token = new_share_token()
    catalog.save()
    return catalog


@transaction.atomic
def catalog_update(
    *,
    catalog: Catalog,
    name: str | None = None,
    description: str | None = None,
    visibility: str | None = None,
    language: Language | None = None,
    clear_language: bool = False,
    by: User | None = None,
    ip: str | None = None,
) -> Catalog:
    """Rename, describe, change visibility or language (owner only; callers check).

    A language is refused while the catalog holds cards of another language. Becoming
    unlisted creates the share link if there is none yet. A change of visibility is
    audited, with `by` (the owner) as its actor.
    """
    if name is not None:
        catalog.name = _clean_name(name)
    if description is not None:
        catalog.description = _clean_description(description)
    if visibility is not None and visibility != catalog.visibility:
        visibility = _clean_visibility(visibility)
        if visibility == Catalog.Visibility.UNLISTED:
            # A link handed out before the catalog went private must not come back to life.
            catalog.share_token = new_share_token()
        decks_event_record(
            event="visibility_changed",
            subject=catalog,
            by=by,
            ip=ip,
            was=catalog.visibility,
            visibility=visibility,
        )
        catalog.visibility = visibility
    if language is not None and language.pk != catalog.language_id:
        if catalog.flashcards.exclude(language=language).exists():
            raise ValidationError(
                {"language": f"The catalog holds cards that are not in {language.name}."}
            )
        catalog.language = language
    elif clear_language:
        catalog.language = None
    if catalog.visibility == Catalog.Visibility.UNLISTED and not catalog.share_token:
        catalog.share_token = new_share_token()
    catalog.save()
    return catalog


@transaction.atomic
def catalog_delete(*, catalog: Catalog, by: User, ip: str | None = None) -> None:
    """Delete the catalog and its memberships; the cards stay with their owners."""
    decks_event_record(event="deleted", subject=catalog, by=by, ip=ip)
    catalog.delete()


@transaction.atomic
def catalog_copy(*, catalog: Catalog, owner: User) -> Catalog:
    """A private deep copy of a catalog in `owner`'s collection: new cards they own."""
    copy = Catalog.objects.create(
        owner=owner,
        name=catalog.name,
        description=catalog.description,
        language=catalog.language,
        copied_from=catalog,
    )
    originals = catalog.flashcards.select_related("language").order_by(
        "memberships__added_at", "memberships__id"
    )
    flashcards_bulk_create(
        owner=owner, cards=[(copy.pk, CardFields.of(card)) for card in originals]
    )
    catalog_learner_add(catalog=catalog, user=owner)
    return copy


def catalog_learner_add(*, catalog: Catalog, user: User) -> None:
    """Count `user` among the people studying `catalog` (once, however often they do)."""
    if catalog.owner_id != user.pk:
        CatalogLearner.objects.bulk_create(
            [CatalogLearner(catalog=catalog, user=user)], ignore_conflicts=True
        )
