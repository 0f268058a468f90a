"""Personalised parameters and the retention helper, under the learner's settings."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.api.base import learner
from quizzes.api.serializers.optimize import (
    FitRunningSerializer,
    ParameterFitSerializer,
    RetentionTradeoffSerializer,
    TooFewReviewsSerializer,
)
from quizzes.selectors.optimizer import parameter_fit_latest, parameter_fit_report
from quizzes.selectors.retention import retention_tradeoff
from quizzes.services.optimizer import parameter_fit_request


class OptimizeView(APIView):
    """Fit FSRS to your own reviews; the fit is kept only if it predicts them better."""

    @extend_schema(responses={200: ParameterFitSerializer})
    def get(self, request: Request) -> Response:
        user = learner(request)
        report = parameter_fit_report(user, parameter_fit_latest(user))
        return Response(ParameterFitSerializer(report).data)

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(ParameterFitSerializer, description="Fitted at once."),
            202: OpenApiResponse(ParameterFitSerializer, description="Queued."),
            400: OpenApiResponse(TooFewReviewsSerializer, description="Too few reviews."),
            409: OpenApiResponse(FitRunningSerializer, description="A fit is running."),
        },
    )
    def post(self, request: Request) -> Response:
        user = learner(request)
        fit = parameter_fit_request(user=user)
        fit.refresh_from_db()  # the immediate backend has run it already
        answer = status.HTTP_200_OK if not fit.active else status.HTTP_202_ACCEPTED
        return Response(ParameterFitSerializer(parameter_fit_report(user, fit)).data, answer)


class RetentionView(APIView):
    """What each desired retention would cost (reviews a day) and bring (cards kept)."""

    @extend_schema(responses={200: RetentionTradeoffSerializer})
    def get(self, request: Request) -> Response:
        return Response(RetentionTradeoffSerializer(retention_tradeoff(learner(request))).data)
