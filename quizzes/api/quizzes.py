"""Quizzes: draw one, read it, answer its questions."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from quizzes.api.base import BAD_INPUT, NOT_FOUND, learner
from quizzes.api.serializers.quizzes import (
    AlreadyAnsweredSerializer,
    AnswerResultSerializer,
    AnswerSerializer,
    QuizCreateSerializer,
    QuizSerializer,
    QuizSummarySerializer,
    QuizTypeSerializer,
)
from quizzes.models import Quiz, QuizType
from quizzes.selectors.quizzes import catalog_to_study, quiz_of, quiz_view, quizzes_of
from quizzes.services.quizzes import quiz_answer_submit, quiz_create


class QuizTypeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The ways a card can be asked, easiest first (a small list, unpaginated)."""

    queryset = QuizType.objects.all()
    serializer_class = QuizTypeSerializer
    pagination_class = None


class QuizViewSet(viewsets.GenericViewSet):
    """Study sessions. A quiz never shows the answer of a question not yet answered."""

    queryset = Quiz.objects.none()
    serializer_class = QuizSummarySerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return quizzes_of(learner(self.request))

    def _quiz(self, pk: str | None) -> Quiz:
        quiz = quiz_of(learner(self.request), int(pk or 0))
        if quiz is None:
            raise Http404
        return quiz

    @extend_schema(responses={200: QuizSummarySerializer(many=True)})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(QuizSummarySerializer(page, many=True).data)

    @extend_schema(responses={200: QuizSerializer, 404: NOT_FOUND})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        view = quiz_view(learner(request), self._quiz(pk), timezone.now())
        return Response(QuizSerializer(view).data)

    @extend_schema(
        request=QuizCreateSerializer,
        responses={201: QuizSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def create(self, request: Request) -> Response:
        serializer = QuizCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        catalog, share_token = None, data.pop("share_token", "")
        if data.pop("catalog", None):
            catalog = catalog_to_study(
                learner(request), serializer.validated_data["catalog"], share_token
            )
            if catalog is None:
                raise Http404
        quiz = quiz_create(user=learner(request), catalog=catalog, **data)
        view = quiz_view(learner(request), self._quiz(str(quiz.pk)), timezone.now())
        return Response(QuizSerializer(view).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AnswerSerializer,
        responses={
            200: AnswerResultSerializer,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: OpenApiResponse(AlreadyAnsweredSerializer, description="Answered already."),
        },
    )
    @action(detail=True, methods=["post"])
    def answers(self, request: Request, pk: str | None = None) -> Response:
        """Answer one question: graded, the card rescheduled, the result returned."""
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        result, _ = quiz_answer_submit(
            user=learner(request), quiz_id=int(pk or 0), question_id=data.pop("question"), **data
        )
        return Response(AnswerResultSerializer(result).data)
