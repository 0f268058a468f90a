from typing import cast

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from quizzes.api.serializers.settings import LearningSettingsSerializer
from quizzes.selectors.settings import learning_settings
from quizzes.services.settings import learning_settings_update

INVALID = OpenApiResponse(description="Invalid input: field errors.")


class SettingsView(APIView):
    """The learner's settings: time zone and theme, and what the scheduler reads."""

    @extend_schema(responses={200: LearningSettingsSerializer})
    def get(self, request: Request) -> Response:
        values = learning_settings(cast(User, request.user))
        return Response(LearningSettingsSerializer(values).data)

    @extend_schema(
        request=LearningSettingsSerializer,
        responses={200: LearningSettingsSerializer, 400: INVALID},
    )
    def patch(self, request: Request) -> Response:
        serializer = LearningSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = learning_settings_update(
            user=cast(User, request.user), **serializer.validated_data
        )
        return Response(LearningSettingsSerializer(values).data)
