"""Progress: every card's memory, the summary, one card's history."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cerego.api import IdField
from decks.models import Catalog
from decks.selectors import flashcards_visible_to
from quizzes import memory
from quizzes.api.base import BAD_INPUT, NOT_FOUND, learner
from quizzes.api.serializers.progress import (
    HistorySerializer,
    ProgressRowSerializer,
    SummarySerializer,
)
from quizzes.models import CardProgress
from quizzes.selectors.progress import (
    flashcard_history,
    learner_decay,
    progress_of,
    progress_row,
    progress_summary,
)
from quizzes.selectors.quizzes import catalog_to_study
from quizzes.selectors.settings import study_settings_of
from quizzes.selectors.study import study_day_window


class ProgressFilter(serializers.Serializer):
    catalog = IdField(required=False)
    due = serializers.ChoiceField(choices=["now", "today"], required=False)
    level = serializers.ChoiceField(choices=memory.LEVEL_NAMES[1:], required=False)
    leech = serializers.BooleanField(required=False, allow_null=True, default=None)


CATALOG = OpenApiParameter("catalog", OpenApiTypes.INT, description="Only this catalog's cards.")


class ProgressViewSet(viewsets.GenericViewSet):
    queryset = CardProgress.objects.none()
    serializer_class = ProgressRowSerializer
    lookup_field = "flashcard"
    lookup_value_regex = r"[0-9]+"

    def _catalog(self, catalog_id: int | None) -> Catalog | None:
        if catalog_id is None:
            return None
        catalog = catalog_to_study(learner(self.request), catalog_id)
        if catalog is None:
            raise Http404
        return catalog

    @extend_schema(
        parameters=[ProgressFilter],
        responses={200: ProgressRowSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def list(self, request: Request) -> Response:
        """My cards' memory, soonest due first."""
        query = ProgressFilter(data=request.query_params)
        query.is_valid(raise_exception=True)
        user, now = learner(request), timezone.now()
        filters = dict(query.validated_data)
        day_end = None
        if filters.get("due") == "today":
            day_end = study_day_window(user, study_settings_of(user), now)[1]
        rows = progress_of(
            user,
            now=now,
            catalog=self._catalog(filters.pop("catalog", None)),
            day_end=day_end,
            **filters,
        )
        page = self.paginate_queryset(rows)
        decay = learner_decay(user)
        data = [progress_row(row, now=now, decay=decay) for row in page or []]
        return self.get_paginated_response(ProgressRowSerializer(data, many=True).data)

    @extend_schema(
        parameters=[CATALOG], responses={200: SummarySerializer, 400: BAD_INPUT, 404: NOT_FOUND}
    )
    @action(detail=False)
    def summary(self, request: Request) -> Response:
        """Due now and today, today's reviews, the streak, memory at a glance, the forecast."""
        query = ProgressFilter(data=request.query_params)
        query.is_valid(raise_exception=True)
        catalog = self._catalog(query.validated_data.get("catalog"))
        summary = progress_summary(learner(request), now=timezone.now(), catalog=catalog)
        return Response(SummarySerializer(summary).data)

    @extend_schema(responses={200: HistorySerializer, 404: NOT_FOUND})
    @action(detail=True)
    def history(self, request: Request, flashcard: str | None = None) -> Response:
        """One card's reviews and its memory-strength curve since it was first studied."""
        user = learner(request)
        if not flashcards_visible_to(user).filter(pk=int(flashcard or 0)).exists():
            raise Http404
        history = flashcard_history(user, flashcard_id=int(flashcard or 0), now=timezone.now())
        return Response(HistorySerializer(history).data)
