"""API for importing a file into catalogs, in the background, and following the import."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from cerego.api import DetailSerializer
from decks.api.serializers.imports import (
    ImportCreateSerializer,
    ImportJobSerializer,
    ImportRequestErrorSerializer,
)
from decks.selectors import catalogs_visible_to, import_jobs_of
from decks.services.imports import import_job_create, import_too_large_message
from decks.uploads import upload_too_large


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The file is too large."
    default_code = "too_large"


class ImportCreateView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="catalogs_import",
        tags=["catalogs"],
        request={"multipart/form-data": ImportCreateSerializer},
        responses={
            202: OpenApiResponse(ImportJobSerializer, "Queued; poll /api/v1/imports/{id}/."),
            401: OpenApiResponse(DetailSerializer, "Not signed in."),
            400: OpenApiResponse(
                ImportRequestErrorSerializer, "Bad file, unknown or mismatched language."
            ),
            403: OpenApiResponse(DetailSerializer, "You may see the catalog but not edit it."),
            404: OpenApiResponse(DetailSerializer, "No such catalog visible to you."),
            413: OpenApiResponse(DetailSerializer, "The file is over IMPORT_MAX_BYTES."),
        },
        description=(
            "Queue the import of a file; poll the returned job for its result. Without "
            "`language` (and no catalog with one), the language of the rows naming none is "
            "detected per deck and shown in the job's `decks`; a deck whose language cannot "
            "be detected fails the job, naming it."
        ),
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
        404: OpenApiResponse(DetailSerializer, "Not your job."),
    },
)
class ImportJobDetailView(generics.RetrieveAPIView):
    serializer_class = ImportJobSerializer

    def get_queryset(self):
        return import_jobs_of(self.request.user)
