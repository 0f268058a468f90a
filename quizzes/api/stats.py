"""Statistics: what the statistics page charts, for the collection or one catalog."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.api.base import BAD_INPUT, NOT_FOUND, learner
from quizzes.api.serializers.stats import StatisticsSerializer
from quizzes.selectors.quizzes import catalog_to_study
from quizzes.selectors.stats import statistics_of


class StatisticsQuery(serializers.Serializer):
    # ASCII digits only: int() would read "٣" as 3, and a huge number is no catalog.
    catalog = serializers.RegexField(
        r"\A[1-9][0-9]{0,17}\Z",
        required=False,
        allow_blank=True,  # `?catalog=` alone: the whole collection, as the summary reads it
        error_messages={"invalid": "A catalog id is a whole number."},
    )


CATALOG = OpenApiParameter(
    "catalog", OpenApiTypes.INT, description="Only this catalog (one you may see)."
)


class StatisticsView(APIView):
    """Reviews per day for a year, weekly retention against the desired retention, memory
    strength per catalog, and the predicted strength over 90 days without study."""

    @extend_schema(
        parameters=[CATALOG],
        responses={200: StatisticsSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        query = StatisticsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        user, catalog = learner(request), None
        if query.validated_data.get("catalog"):
            catalog = catalog_to_study(user, int(query.validated_data["catalog"]))
            if catalog is None:
                raise Http404
        statistics = statistics_of(user, now=timezone.now(), catalog=catalog)
        return Response(StatisticsSerializer(statistics).data)
