"""Web pages for importing a file and watching its import, and for exporting a catalog."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from decks.import_forms import ImportForm
from decks.selectors import catalogs_visible_to, import_jobs_of
from decks.services.exports import (
    EXPORT_FORMATS,
    catalog_export_apkg,
    catalog_export_csv,
    export_file_name,
)
from decks.services.imports import import_job_create, import_job_progress, import_too_large_message
from decks.uploads import upload_too_large


class SignedInRequest(HttpRequest):
    """What a login_required view receives, with django-htmx's details."""

    user: User
    htmx: HtmxDetails


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: SignedInRequest) -> HttpResponse:
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"catalog": request.GET.get("catalog")},  # "Import into this catalog" links
    )
    status = 200
    if request.method == "POST" and upload_too_large(request):
        form.full_clean()
        form.errors["file"] = form.error_class([import_too_large_message()])
        status = 413
    elif form.is_valid():
        try:
            job = import_job_create(
                owner=request.user,
                file=form.cleaned_data["file"],
                catalog=form.cleaned_data["catalog"],
                language_code=form.cleaned_data["language"].code
                if form.cleaned_data["language"]
                else "",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("imports:detail", pk=job.pk)
    if form.errors:
        status = max(status, 400)
    return render(request, "decks/import.html", {"form": form}, status=status)


@login_required
@require_GET
def import_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(import_jobs_of(request.user), pk=pk)
    template = "decks/import_detail.html#status" if request.htmx else "decks/import_detail.html"
    return render(request, template, {"job": job, "progress": import_job_progress(job)})


@login_required
@require_GET
def catalog_export(request: SignedInRequest, pk: int) -> HttpResponse:
    catalog = get_object_or_404(catalogs_visible_to(request.user), pk=pk)
    file_format = request.GET.get("format", "")
    if file_format not in EXPORT_FORMATS:
        return HttpResponseBadRequest("Choose an export format: csv or apkg.")
    content = (catalog_export_csv if file_format == "csv" else catalog_export_apkg)(catalog=catalog)
    response = HttpResponse(content, content_type=EXPORT_FORMATS[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="{export_file_name(catalog, file_format)}"'
    )
    return response
