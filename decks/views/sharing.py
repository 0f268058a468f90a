"""Sharing pages: who has access to a catalog or a single card and as what, the share link
of an unlisted catalog, and the catalog that link opens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import SignedInRequest
from cerego.forms import add_service_errors
from cerego.http import client_ip
from decks import selectors
from decks.forms.sharing import ShareForm
from decks.models import Catalog, Flashcard
from decks.selectors import Access, flashcard_access, may
from decks.services import catalogs as catalog_services
from decks.services import sharing
from decks.views.catalogs import catalog_for, detail_context


def _share_page(
    request: SignedInRequest, shared: Catalog | Flashcard, template: str, context: dict
) -> HttpResponse:
    """Who has access and as what, and the form that shares with one more person."""
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            share = sharing.share_create(
                shared=shared,
                user_ref=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Shared with {share.user.username} as {share.role}.")
            return redirect(request.path)
    context |= {"form": form, "shares": shared.shares.select_related("user")}
    return render(request, template, context, status=400 if form.errors else 200)


def _share_revoke(request: SignedInRequest, shared: Catalog | Flashcard, share_id: int) -> str:
    """Revoke one share of `shared`; the username of whoever lost access."""
    share = shared.shares.select_related("user").filter(pk=share_id).first()
    if share is None:
        raise Http404("No such share.")
    sharing.share_revoke(share=share, by=request.user, ip=client_ip(request))
    return share.user.username


@login_required
@require_http_methods(["GET", "POST"])
def catalog_share(request: SignedInRequest, pk: int) -> HttpResponse:
    """The share dialog: who has access and as what, add someone, the share link."""
    catalog = catalog_for(request, pk, Access.OWN)
    return _share_page(request, catalog, "decks/catalog_share.html", {"catalog": catalog})


@login_required
@require_POST
def catalog_share_revoke(request: SignedInRequest, pk: int, share_id: int) -> HttpResponse:
    catalog = catalog_for(request, pk, Access.OWN)
    username = _share_revoke(request, catalog, share_id)
    messages.success(request, f"{username} no longer has access.")
    return redirect("decks:catalog-share", pk=catalog.pk)


@login_required
@require_POST
def catalog_share_link(request: SignedInRequest, pk: int) -> HttpResponse:
    """Create or replace the share link; the old link stops working."""
    catalog = catalog_for(request, pk, Access.OWN)
    try:
        sharing.catalog_share_link_regenerate(
            catalog=catalog, by=request.user, ip=client_ip(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "A new link was made; the old one no longer works.")
    return redirect("decks:catalog-share", pk=catalog.pk)


def _catalog_by_link(request: SignedInRequest, token: str) -> Catalog:
    found = selectors.catalog_by_share_token(user=request.user, token=token)
    if found is None:
        raise Http404("No catalog behind this link.")
    return found


@login_required
def catalog_shared(request: SignedInRequest, token: str) -> HttpResponse:
    """An unlisted catalog opened by its link: read-only, like a viewer, whoever opens it."""
    catalog = _catalog_by_link(request, token)
    context = detail_context(request, catalog, Access.VIEW) | {"via_link": True}
    return render(request, "decks/catalog_detail.html", context)


@login_required
@require_POST
def catalog_shared_copy(request: SignedInRequest, token: str) -> HttpResponse:
    """Copy a catalog opened by its link into my own collection."""
    copy = catalog_services.catalog_copy(
        catalog=_catalog_by_link(request, token), owner=request.user
    )
    messages.success(request, f"“{copy.name}” is now in your catalogs.")
    return redirect("decks:catalog-detail", pk=copy.pk)


def _flashcard_owned(request: SignedInRequest, card_id: int) -> Flashcard:
    """The card if the user may see it (else 404) and owns it (else 403)."""
    user = request.user
    cards = selectors.flashcards_with_details(selectors.flashcards_visible_to(user), user)
    card = get_object_or_404(cards, pk=card_id)
    if not may(flashcard_access(user, card), Access.OWN):
        raise PermissionDenied("Only the card's owner shares it.")
    return card


@login_required
@require_http_methods(["GET", "POST"])
def flashcard_share(request: SignedInRequest, card_id: int) -> HttpResponse:
    """Share a single card with someone, as viewer or editor; list and revoke."""
    card = _flashcard_owned(request, card_id)
    return _share_page(request, card, "decks/flashcard_share.html", {"card": card})


@login_required
@require_POST
def flashcard_share_revoke(request: SignedInRequest, card_id: int, share_id: int) -> HttpResponse:
    card = _flashcard_owned(request, card_id)
    username = _share_revoke(request, card, share_id)
    messages.success(request, f"{username} no longer has access to this card.")
    return redirect("decks:flashcard-share", card_id=card.pk)
