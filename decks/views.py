"""The decks pages. Each view parses, calls one selector or service, and renders; with
HTMX it renders only the fragment (a `partialdef` of the same template) that changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import SignedInRequest
from cerego.forms import add_service_errors
from cerego.http import client_ip
from decks import selectors
from decks.forms import CatalogForm, FlashcardForm, ShareForm
from decks.models import Catalog, Flashcard, Language, Role
from decks.services import catalogs as catalog_services
from decks.services import flashcards as flashcard_services
from decks.services import sharing

VIEW, EDIT, OWN = "view", "edit", "own"


CARDS_PER_PAGE = 50
CATALOGS_PER_PAGE = 25


def _catalog_for(request: SignedInRequest, pk: int, need: str = VIEW) -> Catalog:
    """The catalog if the user may see it (else 404) and do `need` with it (else 403)."""
    user = request.user
    catalogs = selectors.catalogs_with_details(selectors.catalogs_visible_to(user), user)
    catalog = get_object_or_404(catalogs, pk=pk)
    role = selectors.catalog_role(catalog)
    if (need == OWN and role != "owner") or (need == EDIT and role == Role.VIEWER):
        raise PermissionDenied("You may only view this catalog.")
    return catalog


def _page(request: SignedInRequest, items: QuerySet, per_page: int) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _filters(request: SignedInRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip() for key in ("search", "language", "visibility")}


@login_required
def catalog_list(request: SignedInRequest) -> HttpResponse:
    """My catalogs and those shared with me, filtered, with per-language counts."""
    user, filters = request.user, _filters(request)
    scope = request.GET.get("scope", "")
    catalogs = {
        "mine": selectors.catalogs_owned_by(user),
        "shared": selectors.catalogs_shared_with(user),
    }.get(scope, selectors.catalogs_in_collection_of(user))
    filtered = selectors.catalogs_filter(catalogs, **filters)
    context = {
        "page": _page(request, selectors.catalogs_with_details(filtered, user), CATALOGS_PER_PAGE),
        "language_counts": selectors.catalog_language_counts(
            selectors.catalogs_filter(catalogs, search=filters["search"])
        ),
        "languages": Language.objects.filter(catalogs__in=catalogs).distinct(),
        "visibilities": Catalog.Visibility.choices,
        "filters": filters,
        "scope": scope,
        "shared_cards": selectors.flashcard_shares_with(user)[:50] if scope == "shared" else [],
    }
    template = "decks/catalog_list.html#results" if request.htmx else "decks/catalog_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def catalog_create(request: SignedInRequest) -> HttpResponse:
    form = CatalogForm(request.POST or None, initial={"visibility": Catalog.Visibility.PRIVATE})
    if request.method == "POST" and form.is_valid():
        try:
            catalog = catalog_services.catalog_create(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("decks:catalog-detail", pk=catalog.pk)
    context = {"form": form, "catalog": None}
    return render(request, "decks/catalog_form.html", context, status=400 if form.errors else 200)


def _detail_context(
    request: SignedInRequest, catalog: Catalog, form: FlashcardForm | None = None
) -> dict:
    cards = selectors.flashcards_in_catalog(catalog).reverse()
    return {
        "catalog": catalog,
        "role": selectors.catalog_role(catalog),
        "page": _page(request, cards, CARDS_PER_PAGE),
        "form": form or FlashcardForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def catalog_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """The catalog and its cards; POST adds a card; `?front=` with HTMX warns of duplicates."""
    if request.method == "GET" and request.htmx and "front" in request.GET:
        return _duplicate_warning(request, _catalog_for(request, pk))
    catalog = _catalog_for(request, pk, EDIT if request.method == "POST" else VIEW)
    form = FlashcardForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            flashcard_services.flashcard_create(
                owner=request.user, catalog=catalog, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                return redirect("decks:catalog-detail", pk=catalog.pk)
            form = None
            catalog = _catalog_for(request, pk)  # the card count changed
    template = "decks/catalog_detail.html"
    if request.htmx and request.method == "POST":
        template += "#cards"
    status = 400 if form is not None and form.errors else 200
    context = _detail_context(request, catalog, form) | {"just_added": request.method == "POST"}
    return render(request, template, context, status=status)


def _duplicate_warning(request: SignedInRequest, catalog: Catalog) -> HttpResponse:
    language = catalog.language or selectors.language_by_code(request.GET.get("language", ""))
    front = request.GET.get("front", "")
    matches = []
    if language is not None:
        cards = selectors.flashcards_near_catalog(
            catalog=catalog, user=request.user, language=language
        )
        matches = selectors.flashcard_matches(cards=cards, front=front)
    in_catalog = selectors.flashcards_in_catalog(catalog).filter(
        pk__in=[match.flashcard.pk for match in matches if match.exact]
    )
    context = {"matches": matches, "duplicate": in_catalog.first(), "catalog": catalog}
    return render(request, "decks/catalog_detail.html#duplicate-warning", context)


def _catalog_card(
    request: SignedInRequest, pk: int, card_id: int, need: str
) -> tuple[Catalog, Flashcard]:
    catalog = _catalog_for(request, pk, need)
    card = get_object_or_404(selectors.flashcards_in_catalog(catalog), pk=card_id)
    return catalog, card


@login_required
@require_http_methods(["GET", "POST"])
def card_edit(request: SignedInRequest, pk: int, card_id: int) -> HttpResponse:
    """Edit a card in place: the table row becomes a form, and back a row once saved."""
    catalog, card = _catalog_card(request, pk, card_id, EDIT)
    # Back to a row (Cancel, or saved), keyboard focus returns to its Edit link.
    row = {"catalog": catalog, "role": selectors.catalog_role(catalog), "back_from_edit": True}
    if request.GET.get("show") == "row":  # htmx's Cancel: the row as it was
        return render(request, "decks/catalog_detail.html#card-row", row | {"card": card})
    initial = {"front": card.front, "back": card.back, "hint": card.hint}
    form = FlashcardForm(request.POST or None, initial=initial | {"language": card.language.code})
    if request.method == "POST" and form.is_valid():
        values = {key: form.cleaned_data[key] for key in ("front", "back", "hint")}
        try:
            card = flashcard_services.flashcard_update(flashcard=card, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                return redirect("decks:catalog-detail", pk=catalog.pk)
            return render(request, "decks/catalog_detail.html#card-row", row | {"card": card})
    template = "decks/catalog_detail.html#card-edit-row" if request.htmx else "decks/card_edit.html"
    context = {"catalog": catalog, "card": card, "form": form}
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def card_remove(request: SignedInRequest, pk: int, card_id: int) -> HttpResponse:
    """Take a card out of the catalog, after a confirmation (a page, or htmx's confirm)."""
    catalog, card = _catalog_card(request, pk, card_id, EDIT)
    if request.method == "GET":
        return render(request, "decks/card_remove.html", {"catalog": catalog, "card": card})
    flashcard_services.catalog_flashcard_remove(catalog=catalog, flashcard=card)
    if request.htmx:  # the row goes; the card count in the heading follows out of band
        context = {"catalog": _catalog_for(request, pk)}
        return render(request, "decks/catalog_detail.html#card-count", context)
    messages.success(request, f"“{card.front}” was removed from the catalog.")
    return redirect("decks:catalog-detail", pk=catalog.pk)


@login_required
@require_http_methods(["GET", "POST"])
def catalog_settings(request: SignedInRequest, pk: int) -> HttpResponse:
    """Rename, describe, change the visibility or the language (owner only)."""
    catalog = _catalog_for(request, pk, OWN)
    initial = {
        "name": catalog.name,
        "description": catalog.description,
        "visibility": catalog.visibility,
        "language": catalog.language.code if catalog.language else None,
    }
    form = CatalogForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data, clear_language=form.cleaned_data["language"] is None)
        try:
            catalog_services.catalog_update(
                catalog=catalog, **values, by=request.user, ip=client_ip(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Catalog saved.")
            return redirect("decks:catalog-detail", pk=catalog.pk)
    context = {"form": form, "catalog": catalog}
    return render(request, "decks/catalog_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def catalog_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    catalog = _catalog_for(request, pk, OWN)
    if request.method == "GET":
        return render(request, "decks/catalog_delete.html", {"catalog": catalog})
    catalog_services.catalog_delete(catalog=catalog, by=request.user, ip=client_ip(request))
    messages.success(request, f"“{catalog.name}” was deleted.")
    return redirect("decks:catalog-list")


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
    catalog = _catalog_for(request, pk, OWN)
    return _share_page(request, catalog, "decks/catalog_share.html", {"catalog": catalog})


@login_required
@require_POST
def catalog_share_revoke(request: SignedInRequest, pk: int, share_id: int) -> HttpResponse:
    catalog = _catalog_for(request, pk, OWN)
    username = _share_revoke(request, catalog, share_id)
    messages.success(request, f"{username} no longer has access.")
    return redirect("decks:catalog-share", pk=catalog.pk)


@login_required
@require_POST
def catalog_share_link(request: SignedInRequest, pk: int) -> HttpResponse:
    """Create or replace the share link; the old link stops working."""
    catalog = _catalog_for(request, pk, OWN)
    try:
        sharing.catalog_share_link_regenerate(
            catalog=catalog, by=request.user, ip=client_ip(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "A new link was made; the old one no longer works.")
    return redirect("decks:catalog-share", pk=catalog.pk)


@login_required
@require_POST
def catalog_copy(request: SignedInRequest, pk: int) -> HttpResponse:
    """Copy a catalog I may see into my own collection."""
    copy = catalog_services.catalog_copy(catalog=_catalog_for(request, pk), owner=request.user)
    messages.success(request, f"“{copy.name}” is now in your catalogs.")
    return redirect("decks:catalog-detail", pk=copy.pk)


@login_required
def library(request: SignedInRequest) -> HttpResponse:
    """The public catalogs: search, filter by language, preview and copy."""
    user, filters = request.user, _filters(request)
    filters.pop("visibility")
    catalogs = selectors.catalogs_filter(selectors.catalogs_in_library(user), **filters)
    context = {
        "page": _page(request, selectors.catalogs_with_details(catalogs, user), CATALOGS_PER_PAGE),
        "languages": Language.objects.filter(
            catalogs__visibility=Catalog.Visibility.PUBLIC
        ).distinct(),
        "filters": filters,
    }
    template = "decks/library.html#results" if request.htmx else "decks/library.html"
    return render(request, template, context)


def _catalog_by_link(request: SignedInRequest, token: str) -> Catalog:
    found = selectors.catalog_by_share_token(user=request.user, token=token)
    if found is None:
        raise Http404("No catalog behind this link.")
    return found


@login_required
def catalog_shared(request: SignedInRequest, token: str) -> HttpResponse:
    """An unlisted catalog opened by its link: read-only, like a viewer."""
    found = _catalog_by_link(request, token)
    catalog = selectors.catalogs_with_details(
        Catalog.objects.filter(pk=found.pk), request.user
    ).get()
    context = _detail_context(request, catalog) | {"via_link": True, "role": "viewer"}
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
    if not card.user_is_owner:  # type: ignore[attr-defined]
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
