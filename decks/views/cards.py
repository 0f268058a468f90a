"""A card in a catalog: edit it in place, or take it out of the catalog."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.http import SignedInRequest
from cerego.forms import add_service_errors
from decks import selectors
from decks.forms.cards import FlashcardForm
from decks.models import Catalog, Flashcard
from decks.selectors import Access, catalog_access
from decks.services import flashcards as flashcard_services
from decks.views.catalogs import access_context, catalog_for


def _catalog_card(request: SignedInRequest, pk: int, card_id: int) -> tuple[Catalog, Flashcard]:
    """The catalog the user may edit (else 403 or 404), and one of its cards (else 404)."""
    catalog = catalog_for(request, pk, Access.EDIT)
    card = get_object_or_404(selectors.flashcards_in_catalog(catalog), pk=card_id)
    return catalog, card


@login_required
@require_http_methods(["GET", "POST"])
def card_edit(request: SignedInRequest, pk: int, card_id: int) -> HttpResponse:
    """Edit a card in place: the table row becomes a form, and back a row once saved."""
    catalog, card = _catalog_card(request, pk, card_id)
    # Back to a row (Cancel, or saved), keyboard focus returns to its Edit link.
    access = access_context(catalog_access(request.user, catalog))
    row = access | {"catalog": catalog, "back_from_edit": True}
    if request.GET.get("show") == "row":  # htmx's Cancel: the row as it was
        return render(request, "decks/catalog_detail.html#card-row", row | {"card": card})
    # The form's one-line inputs would drop a line break: it is shown as <br>, which saving
    # turns back into one (decks.markup).
    initial = {key: getattr(card, key).replace("\n", "<br>") for key in ("front", "back", "hint")}
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
    catalog, card = _catalog_card(request, pk, card_id)
    if request.method == "GET":
        return render(request, "decks/card_remove.html", {"catalog": catalog, "card": card})
    flashcard_services.catalog_flashcard_remove(catalog=catalog, flashcard=card)
    if request.htmx:  # the row goes; the card count in the heading follows out of band
        context = {"catalog": catalog_for(request, pk)}
        return render(request, "decks/catalog_detail.html#card-count", context)
    messages.success(request, f"“{card.front}” was removed from the catalog.")
    return redirect("decks:catalog-detail", pk=catalog.pk)
