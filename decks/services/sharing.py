"""Writes on sharing: catalogs and single cards shared with users, and share links."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from decks.models import Catalog, Flashcard, Role, Share, new_share_token
from decks.services.audit import decks_event_record


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


@transaction.atomic
def share_create(
    *, shared: Shareable, user_ref: str, role: str, by: User, ip: str | None = None
) -> Share:
    """Share a catalog or a single card with a user named by username or email; sharing
    again changes the role. `by` is who shares (the owner: callers check)."""
    role = _clean_role(role)
    target = _share_target(user_ref=user_ref, owner=shared.owner)
    previous = shared.shares.filter(user=target).values_list("role", flat=True).first()
    share, _ = shared.shares.update_or_create(user=target, defaults={"role": role})
    if role != previous:
        event = "shared" if previous is None else "share_role_changed"
        extra = {"user": target.username, "role": role} | ({"was": previous} if previous else {})
        decks_event_record(event=event, subject=shared, by=by, ip=ip, **extra)
    return share


@transaction.atomic
def share_revoke(*, share: Share, by: User, ip: str | None = None) -> None:
    decks_event_record(
        event="share_revoked",
        subject=share.shared,
        by=by,
        ip=ip,
        user=share.user.username,
        role=share.role,
    )
    share.delete()


@transaction.atomic
def catalog_share_link_regenerate(*, catalog: Catalog, by: User, ip: str | None = None) -> Catalog:
    """Create the catalog's share link, or replace it: the old link stops working at once."""
    if catalog.visibility == Catalog.Visibility.PRIVATE:
        raise ValidationError(
            {"visibility": "A private catalog has no share link: make it unlisted first."}
        )
    catalog.share_token = new_share_token()
    catalog.save(update_fields=["share_token", "updated_at"])
    decks_event_record(event="share_link_regenerated", subject=catalog, by=by, ip=ip)
    return catalog
