"""API for exporting a catalog as a file (CSV or Anki package)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from cerego.api import DetailSerializer
from decks.http import catalog_export_response
from decks.selectors import catalogs_visible_to
from decks.services.exports import EXPORT_FORMATS


class IgnoreFormatQueryParameter(DefaultContentNegotiation):
    """`?format=` names the export's file format here, not DRF's response renderer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CatalogExportView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = IgnoreFormatQueryParameter

    @extend_schema(
        operation_id="catalogs_export",
        tags=["catalogs"],
        parameters=[
            OpenApiParameter(
                "format", str, enum=list(EXPORT_FORMATS), required=True, description="csv or apkg"
            )
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY, "CSV: front,back,hint,language"
            ),
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, "Anki .apkg"),
            (400, "application/json"): OpenApiResponse(DetailSerializer, "Unknown format."),
            (401, "application/json"): OpenApiResponse(DetailSerializer, "Not signed in."),
            (404, "application/json"): OpenApiResponse(
                DetailSerializer, "No such catalog visible to you."
            ),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        catalog = get_object_or_404(catalogs_visible_to(request.user), pk=pk)
        file_format = request.query_params.get("format", "")
        if file_format not in EXPORT_FORMATS:
            raise exceptions.ParseError("The format query parameter must be csv or apkg.")
        return catalog_export_response(catalog, file_format)
