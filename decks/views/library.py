"""The library: the public catalogs, to search, preview and copy."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.http import SignedInRequest
from decks import selectors
from decks.models import Catalog, Language
from decks.views.catalogs import CATALOGS_PER_PAGE, list_filters, page_of


@login_required
def library(request: SignedInRequest) -> HttpResponse:
    """The public catalogs: search, filter by language, preview and copy."""
    user, filters = request.user, list_filters(request, "search", "language")
    catalogs = selectors.catalogs_filter(selectors.catalogs_in_library(user), **filters)
    context = {
        "page": page_of(
            request, selectors.catalogs_with_details(catalogs, user), CATALOGS_PER_PAGE
        ),
        "languages": Language.objects.filter(
            catalogs__visibility=Catalog.Visibility.PUBLIC
        ).distinct(),
        "filters": filters,
    }
    template = "decks/library.html#results" if request.htmx else "decks/library.html"
    return render(request, template, context)
