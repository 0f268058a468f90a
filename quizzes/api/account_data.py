"""The download of everything a learner has, as one JSON file."""

from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from cerego.http import client_ip
from quizzes.api.base import learner
from quizzes.api.serializers.account_data import AccountExportSerializer
from quizzes.http import account_export_response


class AccountExportView(APIView):
    """All my data as a JSON file (sent as it is read, so a large collection starts at once)."""

    @extend_schema(
        operation_id="auth_export",
        responses={
            200: OpenApiResponse(
                AccountExportSerializer, description="A download: Content-Disposition attachment."
            )
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        return account_export_response(learner(request), ip=client_ip(request))
