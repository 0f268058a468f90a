"""Reads of catalogs and flashcards. Who may see and who may change what is decided here,
once, for the web pages and the API alike."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User
from decks.models import (
    Catalog,
    CatalogFlashcard,
    CatalogShare,
    Flashcard,
    FlashcardShare,
    ImportJob,
    Role,
)

AnyUser = User | AnonymousUser


def _catalog_shared_with(user: User, *roles: str) -> Exists:
    shares = CatalogShare.objects.filter(catalog=OuterRef("pk"), user=user)
    return Exists(shares.filter(role__in=roles) if roles else shares)


def catalogs_visible_to(user: AnyUser) -> QuerySet[Catalog]:
    """Catalogs a user may open by id: their own, those shared with them, public ones.

    Unlisted catalogs of others open only through their share link
    (`catalog_by_share_token`). Anonymous users see nothing.
    """
    if not user.is_authenticated:
        return Catalog.objects.none()
    return Catalog.objects.filter(
        Q(owner=user) | Q(visibility=Catalog.Visibility.PUBLIC) | _catalog_shared_with(user)
    )


def catalogs_editable_by(user: AnyUser) -> QuerySet[Catalog]:
    """Catalogs whose cards a user may add, edit and remove: their own and editor shares."""
    if not user.is_authenticated:
        return Catalog.objects.none()
    return Catalog.objects.filter(Q(owner=user) | _catalog_shared_with(user, Role.EDITOR))


def catalogs_owned_by(user: AnyUser) -> QuerySet[Catalog]:
    """Catalogs a user may rename, delete, share or change the visibility of."""
    if not user.is_authenticated:
        return Catalog.objects.none()
    return Catalog.objects.filter(owner=user)


def catalog_by_share_token(*, user: AnyUser, token: str) -> Catalog | None:
    """The unlisted or public catalog behind a share link, for any signed-in user."""
    if not user.is_authenticated or not token:
        return None
    return (
        Catalog.objects.exclude(visibility=Catalog.Visibility.PRIVATE)
        .filter(share_token=token)
        .first()
    )


def _flashcard_shared_with(user: User, *roles: str) -> Exists:
    shares = FlashcardShare.objects.filter(flashcard=OuterRef("pk"), user=user)
    return Exists(shares.filter(role__in=roles) if roles else shares)


def _flashcard_in(catalogs: QuerySet[Catalog]) -> Exists:
    return Exists(CatalogFlashcard.objects.filter(flashcard=OuterRef("pk"), catalog__in=catalogs))


def flashcards_visible_to(user: AnyUser) -> QuerySet[Flashcard]:
    """Cards a user may read: their own, shared with them, or in a catalog they may open."""
    if not user.is_authenticated:
        return Flashcard.objects.none()
    return Flashcard.objects.filter(
        Q(owner=user) | _flashcard_shared_with(user) | _flashcard_in(catalogs_visible_to(user))
    )


def flashcards_editable_by(user: AnyUser) -> QuerySet[Flashcard]:
    """Cards a user may edit: their own, editor shares, or in a catalog they may edit."""
    if not user.is_authenticated:
        return Flashcard.objects.none()
    return Flashcard.objects.filter(
        Q(owner=user)
        | _flashcard_shared_with(user, Role.EDITOR)
        | _flashcard_in(catalogs_editable_by(user))
    )


def import_jobs_of(user: AnyUser) -> QuerySet[ImportJob]:
    """A user's own import jobs; nobody else's are visible, staff included."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(owner=user).prefetch_related(
        Prefetch("catalogs", queryset=Catalog.objects.only("id", "name").order_by("name", "id"))
    )
