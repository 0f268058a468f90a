"""API for importing files into catalogs and exporting catalogs as files."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from decks.http import catalog_export_response
from decks.models import ImportJob
from decks.selectors import catalogs_visible_to, import_jobs_of
from decks.services.exports import EXPORT_FORMATS
from decks.services.imports import import_job_create, import_job_progress, import_too_large_message
from decks.uploads import upload_too_large


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The file is too large."
    default_code = "too_large"


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A CSV or TSV file (front, back, hint, language) or an Anki .apkg."
    )
    catalog = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Import everything into this catalog (you must be able to edit it).",
    )
    language = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=15,
        help_text=(
            "Language code for rows without one; required for .apkg unless the catalog "
            "has a language."
        ),
    )


class RejectedRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        help_text="Row of the CSV file (header = 1) or note number of the package."
    )
    reason = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField(help_text="0-100")
    created = serializers.IntegerField(
        source="created_count", read_only=True, help_text="Cards created."
    )
    rejected = RejectedRowSerializer(
        many=True, read_only=True, help_text="Rows not imported, with the reason."
    )
    format = serializers.CharField(source="file_format", read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "status",
            "progress",
            "created",
            "skipped_duplicates",
            "rejected",
            "rejected_count",
            "catalogs",
            "detail",
            "file_name",
            "format",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_progress(self, job: ImportJob) -> int:
        return import_job_progress(job)


class ImportRequestErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
    file = serializers.ListField(child=serializers.CharField(), required=False)
    catalog = serializers.ListField(child=serializers.CharField(), required=False)
    language = serializers.ListField(child=serializers.CharField(), required=False)


class ImportDetailErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ImportCreateView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="catalogs_import",
        tags=["catalogs"],
        request={"multipart/form-data": ImportCreateSerializer},
        responses={
            202: OpenApiResponse(ImportJobSerializer, "Queued; poll /api/v1/imports/{id}/."),
            401: OpenApiResponse(ImportDetailErrorSerializer, "Not signed in."),
            400: OpenApiResponse(
                ImportRequestErrorSerializer, "Bad file, unknown or missing language."
            ),
            403: OpenApiResponse(
                ImportDetailErrorSerializer, "You may see the catalog but not edit it."
            ),
            404: OpenApiResponse(ImportDetailErrorSerializer, "No such catalog visible to you."),
            413: OpenApiResponse(ImportDetailErrorSerializer, "The file is over IMPORT_MAX_BYTES."),
        },
        description="Queue the import of a file; poll the returned job for its result.",
    )
    def post(self, request: Request) -> Response:
        if upload_too_large(request._request):  # before the body is parsed, when announced
            raise PayloadTooLarge(import_too_large_message())
        data = request.data
        if upload_too_large(request._request):  # found while streaming it in
            raise PayloadTooLarge(import_too_large_message())
        params = ImportCreateSerializer(data=data)
        params.is_valid(raise_exception=True)
        catalog_id = params.validated_data.get("catalog")
        catalog = (
            get_object_or_404(catalogs_visible_to(request.user), pk=catalog_id)
            if catalog_id
            else None
        )
        assert isinstance(request.user, User)  # noqa: S101 - IsAuthenticated
        job = import_job_create(
            owner=request.user,
            file=params.validated_data["file"],
            catalog=catalog,
            language_code=params.validated_data.get("language", ""),
        )
        job = import_jobs_of(request.user).get(pk=job.pk)
        headers = {"Location": f"/api/v1/imports/{job.pk}/"}
        return Response(ImportJobSerializer(job).data, status.HTTP_202_ACCEPTED, headers=headers)


@extend_schema(
    tags=["imports"],
    responses={
        200: ImportJobSerializer,
        404: OpenApiResponse(ImportDetailErrorSerializer, "Not your job."),
    },
)
class ImportJobDetailView(generics.RetrieveAPIView):
    serializer_class = ImportJobSerializer

    def get_queryset(self):
        return import_jobs_of(self.request.user)


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
            (400, "application/json"): OpenApiResponse(
                ImportDetailErrorSerializer, "Unknown format."
            ),
            (401, "application/json"): OpenApiResponse(
                ImportDetailErrorSerializer, "Not signed in."
            ),
            (404, "application/json"): OpenApiResponse(
                ImportDetailErrorSerializer, "No such catalog visible to you."
            ),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        catalog = get_object_or_404(catalogs_visible_to(request.user), pk=pk)
        file_format = request.query_params.get("format", "")
        if file_format not in EXPORT_FORMATS:
            raise exceptions.ParseError("The format query parameter must be csv or apkg.")
        return catalog_export_response(catalog, file_format)
