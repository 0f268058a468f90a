"""Statistics and card detail pages (placeholder routes; the pages land with issue 11)."""

from django.http import Http404, HttpRequest, HttpResponse


def statistics(request: HttpRequest) -> HttpResponse:
    raise Http404


def card_detail(request: HttpRequest, flashcard_id: int) -> HttpResponse:
    raise Http404
