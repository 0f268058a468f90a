"""The download of a catalog as a file (CSV or Anki package)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts.http import SignedInRequest
from decks.http import catalog_export_response
from decks.selectors import catalogs_visible_to
from decks.services.exports import EXPORT_FORMATS


@login_required
@require_GET
def catalog_export(request: SignedInRequest, pk: int) -> HttpResponse:
    catalog = get_object_or_404(catalogs_visible_to(request.user), pk=pk)
    file_format = request.GET.get("format", "")
    if file_format not in EXPORT_FORMATS:
        return HttpResponseBadRequest("Choose an export format: csv or apkg.")
    return catalog_export_response(catalog, file_format)
