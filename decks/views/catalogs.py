"""Catalog pages: my catalogs, a new one, the catalog page (which adds cards), its settings,
delete and copy; and what the other catalog pages share (`catalog_for`, `detail_context`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import SignedInRequest
from cerego.forms import add_service_errors
from cerego.http import client_ip
from cerego.paging import Counted, Paginator
from decks import selectors
from decks.forms.cards import FlashcardForm
from decks.forms.catalogs import CatalogForm
from decks.models import Catalog, Language
from decks.selectors import Access, catalog_access, may
from decks.services import catalogs as catalog_services
from decks.services import flashcards as flashcard_services
from decks.templatetags.cards import CARD_ROW_FIELDS

CARDS_PER_PAGE = 50
CATALOGS_PER_PAGE = 25


def catalog_for(request: SignedInRequest, pk: int, need: Access = Access.VIEW) -> Catalog:
    """The catalog if the user may see it (else 404) and do `need` with it (else 403)."""
    found = selectors.catalog_with_access(request.user, pk)
    if found is None:
        raise Http404("No catalog here.")
    catalog, access = found
    if not may(access, need):
        raise PermissionDenied("You may only view this catalog.")
    return catalog


def access_context(access: Access) -> dict[str, bool]:
    """What the catalog templates show or hide by the user's access."""
    return {"may_edit": may(access, Access.EDIT), "may_own": may(access, Access.OWN)}


def page_of(request: SignedInRequest, items: QuerySet | Counted, per_page: int) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def list_filters(request: SignedInRequest, *keys: str) -> dict[str, str]:
    """The filters of a catalog list (`templates/decks/_filters.html`) from the query string."""
    return {key: request.GET.get(key, "").strip() for key in keys}


def detail_context(
    request: SignedInRequest, catalog: Catalog, access: Access, form: FlashcardForm | None = None
) -> dict:
    # The rows (`{% card_rows %}`) read values, not cards: no 50 models and their languages.
    cards = selectors.flashcards_listed_in_catalog(catalog, newest_first=True, owners=False)
    cards = cards.values(*CARD_ROW_FIELDS)
    return access_context(access) | {
        "catalog": catalog,
        "page": page_of(request, cards, CARDS_PER_PAGE),
        "form": form or FlashcardForm(),
        "back_from_edit": False,  # read by every row: a missing variable costs an exception
    }


@login_required
def catalog_list(request: SignedInRequest) -> HttpResponse:
    """My catalogs and those shared with me, filtered, with per-language counts."""
    user, filters = request.user, list_filters(request, "search", "language", "visibility")
    scope = request.GET.get("scope", "")
    catalogs = {
        "mine": selectors.catalogs_owned_by(user),
        "shared": selectors.catalogs_shared_with(user),
    }.get(scope, selectors.catalogs_in_collection_of(user))
    filtered = selectors.catalogs_filter(catalogs, **filters)
    context = {
        "page": page_of(
            request, selectors.catalogs_with_details(filtered, user), CATALOGS_PER_PAGE
        ),
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


@login_required
@require_http_methods(["GET", "POST"])
def catalog_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """The catalog and its cards; POST adds a card; `?front=` with HTMX warns of duplicates."""
    if request.method == "GET" and request.htmx and "front" in request.GET:
        return _duplicate_warning(request, catalog_for(request, pk))
    catalog = catalog_for(request, pk, Access.EDIT if request.method == "POST" else Access.VIEW)
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
            catalog = catalog_for(request, pk)  # the card count changed
    template = "decks/catalog_detail.html"
    if request.htmx and request.method == "POST":
        template += "#cards"
    status = 400 if form is not None and form.errors else 200
    access = catalog_access(request.user, catalog)
    context = detail_context(request, catalog, access, form)
    return render(
        request, template, context | {"just_added": request.method == "POST"}, status=status
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def catalog_settings(request: SignedInRequest, pk: int) -> HttpResponse:
    """Rename, describe, change the visibility or the language (owner only)."""
    catalog = catalog_for(request, pk, Access.OWN)
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
    catalog = catalog_for(request, pk, Access.OWN)
    if request.method == "GET":
        return render(request, "decks/catalog_delete.html", {"catalog": catalog})
    catalog_services.catalog_delete(catalog=catalog, by=request.user, ip=client_ip(request))
    messages.success(request, f"“{catalog.name}” was deleted.")
    return redirect("decks:catalog-list")


@login_required
@require_POST
def catalog_copy(request: SignedInRequest, pk: int) -> HttpResponse:
    """Copy a catalog I may see into my own collection."""
    copy = catalog_services.catalog_copy(catalog=catalog_for(request, pk), owner=request.user)
    messages.success(request, f"“{copy.name}” is now in your catalogs.")
    return redirect("decks:catalog-detail", pk=copy.pk)
