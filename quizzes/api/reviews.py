"""Offline sync: reviews made without a connection, sent later."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.api.base import BAD_INPUT, learner
from quizzes.api.serializers.reviews import (
    SyncInputSerializer,
    SyncItemSerializer,
    SyncResultsSerializer,
)
from quizzes.services.sync import SyncItem, reviews_sync


class ReviewSyncView(APIView):
    """Send reviews made offline (a JSON list, or `{"reviews": [...]}`); each is answered
    `applied`, `duplicate` or `rejected`, in the order sent. Safe to send again."""

    @extend_schema(
        request=SyncItemSerializer(many=True),
        responses={200: SyncResultsSerializer, 400: BAD_INPUT},
    )
    def post(self, request: Request) -> Response:
        body = {"reviews": request.data} if isinstance(request.data, list) else request.data
        serializer = SyncInputSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        items = [
            SyncItem(
                client_review_id=item["client_review_id"],
                flashcard_id=item["flashcard"],
                rating=item["rating"],
                reviewed_at=item["reviewed_at"],
                response_ms=item.get("response_ms"),
                quiz_type=item.get("quiz_type"),
            )
            for item in serializer.validated_data["reviews"]
        ]
        results = reviews_sync(user=learner(request), items=items)
        return Response(SyncResultsSerializer({"results": results}).data)
