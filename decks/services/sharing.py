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


Shareable = Catalog | Flashcard
Share = CatalogShare | FlashcardShare


@transaction.atomic
def share_create(*, shared: Shareable, user_ref: str, role: str) -> Share:
    """Share a catalog or a single card with a user named by username or email; sharing
    again changes the role."""
    role = _clean_role(role)
    target = _share_target(user_ref=user_ref, owner=shared.owner)
    share, _ = shared.shares.update_or_create(user=target, defaults={"role": role})
    audit.info(
        "shared",
        extra={"event": "share", "shared": str(shared.pk), "user": target.pk, "role": role},
    )
    return share


@transaction.atomic
def share_revoke(*, share: Share) -> None:
    audit.info("share revoked", extra={"event": "share_revoke", "user": share.user_id})
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
