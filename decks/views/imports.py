"""Web pages for importing a file, confirming its decks' languages and watching its import."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.http import SignedInRequest
from decks.forms.imports import ImportForm, ImportPreviewForm
from decks.models import ImportJob, Language
from decks.selectors import import_jobs_of
from decks.services.imports import (
    import_job_cancel,
    import_job_confirm,
    import_job_create,
    import_job_progress,
)
from decks.uploads import upload_too_large

RECENT_JOBS = 5


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: SignedInRequest) -> HttpResponse:
    posted = request.method == "POST"
    files = request.FILES  # parse the upload first: that is when an over-size file shows
    too_large = posted and upload_too_large(request)
    form = ImportForm(
        request.POST if posted else None,
        files if posted else None,
        user=request.user,
        too_large=too_large,
        initial={"catalog": request.GET.get("catalog")},  # "Import into this catalog" links
    )
    if form.is_valid():
        try:
            job = import_job_create(owner=request.user, preview=True, **form.import_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("imports:detail", pk=job.pk)
    status = 413 if too_large else 400 if form.errors else 200
    recent = import_jobs_of(request.user)[:RECENT_JOBS]
    return render(request, "decks/import.html", {"form": form, "recent": recent}, status=status)


@login_required
@require_GET
def import_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(import_jobs_of(request.user), pk=pk)
    if job.is_awaiting_confirmation:
        return _redirect(request, "imports:preview", job.pk)
    template = "decks/import_detail.html#status" if request.htmx else "decks/import_detail.html"
    return render(request, template, {"job": job, "progress": import_job_progress(job)})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: SignedInRequest, pk: int) -> HttpResponse:
    """The decks of a file imported without a language, each with the language detected,
    for the owner to confirm or correct. Until they are read, the progress page waits."""
    job = get_object_or_404(import_jobs_of(request.user), pk=pk)
    if not job.is_awaiting_confirmation:
        return redirect("imports:detail", pk=job.pk)
    posted = request.method == "POST"
    languages = [(language.code, language.name) for language in Language.objects.all()]
    form = ImportPreviewForm(request.POST if posted else None, job=job, languages=languages)
    if form.is_valid():
        try:
            import_job_confirm(job=job, languages=form.languages())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("imports:detail", pk=job.pk)
    context = {"job": job, "form": form}
    return render(request, "decks/import_preview.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def import_cancel(request: SignedInRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(import_jobs_of(request.user), pk=pk)
    if job.status != ImportJob.Status.PREVIEW:
        return redirect("imports:detail", pk=job.pk)
    import_job_cancel(job=job)
    return redirect("imports:new")


def _redirect(request: SignedInRequest, name: str, pk: int) -> HttpResponse:
    """To another page of the job; a polling fragment request moves the whole page."""
    if request.htmx:
        return HttpResponseClientRedirect(reverse(name, args=[pk]))
    return redirect(name, pk=pk)
