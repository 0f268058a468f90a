"""Study sessions in the browser (placeholder routes; the pages land with issue 11)."""

from django.http import Http404, HttpRequest, HttpResponse


def study_all(request: HttpRequest) -> HttpResponse:
    raise Http404


def study_catalog(request: HttpRequest, catalog_id: int) -> HttpResponse:
    raise Http404


def study_session(request: HttpRequest, quiz_id: int) -> HttpResponse:
    raise Http404
