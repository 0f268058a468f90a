"""Writes on sharing: catalogs and single cards shared with users, and share links."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from decks.models import Catalog, CatalogShare, Flashcard, FlashcardShare, Role, new_share_token

audit = logging.getLogger("audit")


def _share_target(*, user_ref: str, owner: User) -> User:
    user_ref = user_ref.strip()
    target = (
        User.objects.filter(
            Q(username__iexact=user_ref) | Q(email__iexact=user_ref), is_active=True
        )
        .order_by("pk")
        .first()
        if user_ref
        else None
    )
    if target is None:
        raise ValidationError({"user": "No user with that username or email."})
    if target.pk == owner.pk:
        raise ValidationError({"user": "You cannot share with yourself."})
    return target


def _clean_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}."})
    return role


@transaction.atomic
def catalog_share_create(*, catalog: Catalog, user_ref: str, role: str) -> CatalogShare:
    """Share a catalog with a user named by username or email; sharing again changes the role."""
    role = _clean_role(role)
    target = _share_target(user_ref=user_ref, owner=catalog.owner)
    share, _ = CatalogShare.objects.update_or_create(
        catalog=catalog, user=target, defaults={"role": role}
    )
    audit.info(
        "catalog shared",
        extra={"event": "catalog_share", "catalog": catalog.pk, "user": target.pk, "role": role},
    )
    return share


@transaction.atomic
def catalog_share_revoke(*, share: CatalogShare) -> None:
    audit.info(
        "catalog share revoked",
        extra={"event": "catalog_share_revoke", "catalog": share.catalog_id, "user": share.user_id},
    )
    share.delete()


@transaction.atomic
def flashcard_share_create(*, flashcard: Flashcard, user_ref: str, role: str) -> FlashcardShare:
    """Share a single card with a user named by username or email."""
    role = _clean_role(role)
    target = _share_target(user_ref=user_ref, owner=flashcard.owner)
    share, _ = FlashcardShare.objects.update_or_create(
        flashcard=flashcard, user=target, defaults={"role": role}
    )
    audit.info(
        "flashcard shared",
        extra={"event": "flashcard_share", "flashcard": flashcard.pk, "user": target.pk},
    )
    return share


@transaction.atomic
def flashcard_share_revoke(*, share: FlashcardShare) -> None:
    audit.info(
        "flashcard share revoked",
        extra={"event": "flashcard_share_revoke", "flashcard": share.flashcard_id},
    )
    share.delete()


@transaction.atomic
def catalog_share_link_regenerate(*, catalog: Catalog) -> Catalog:
    """Create the catalog's share link, or replace it: the old link stops working at once."""
    if catalog.visibility == Catalog.Visibility.PRIVATE:
        raise ValidationError(
            {"visibility": "A private catalog has no share link: make it unlisted first."}
        )
    catalog.share_token = new_share_token()
    catalog.save(update_fields=["share_token", "updated_at"])
    audit.info("catalog share link regenerated", extra={"event": "catalog_share_link"})
    return catalog
