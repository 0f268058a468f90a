"""Flashcard endpoints: my cards and those shared with me, one card (change, delete), and
the duplicates of a word. Their shares are `decks.api.sharing`'s actions."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cerego.http import ascii_id, client_ip
from decks import selectors
from decks.api.base import BAD_INPUT, DUPLICATE, FORBIDDEN, NOT_FOUND, UNAUTHORIZED
from decks.api.serializers.flashcards import (
    DuplicateQuerySerializer,
    DuplicatesSerializer,
    FlashcardInputSerializer,
    FlashcardPatchSerializer,
    FlashcardSerializer,
)
from decks.api.sharing import SharesActions
from decks.models import Flashcard
from decks.selectors import Access
from decks.services import flashcards as flashcard_services

FLASHCARD_FILTERS = [
    OpenApiParameter("language", str, description="A language code."),
    OpenApiParameter("catalog", int, description="Only the cards of this catalog."),
    OpenApiParameter("search", str, description="Words in the front or the back."),
]


class FlashcardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SharesActions):
    serializer_class = FlashcardSerializer
    access = {
        **SharesActions.access,
        ("partial_update", "PATCH"): Access.EDIT,
        ("destroy", "DELETE"): Access.OWN,
    }

    def get_queryset(self) -> QuerySet[Flashcard]:
        user, params = self.request.user, self.request.query_params
        cards = selectors.flashcards_filter(
            selectors.flashcards_visible_to(user),
            language=params.get("language"),
            search=params.get("search"),
        )
        return selectors.flashcards_with_details(cards, user)

    @extend_schema(
        parameters=FLASHCARD_FILTERS,
        responses={200: FlashcardSerializer, 400: BAD_INPUT, 401: UNAUTHORIZED, 404: NOT_FOUND},
    )
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        """My cards and those shared with me, or the cards of one catalog (`?catalog=`)."""
        user, params = self.user, request.query_params
        language, search = params.get("language"), params.get("search")
        if params.get("catalog"):
            catalog_id = ascii_id(params["catalog"])
            if catalog_id is None:
                raise ValidationError({"catalog": ["A catalog id is a whole number (0-9)."]})
            catalogs = selectors.catalogs_with_card_count(selectors.catalogs_visible_to(user))
            catalog = get_object_or_404(catalogs, pk=catalog_id)
            # Listed cards show no access (the serializer has none), so no details here.
            listed = selectors.flashcards_listed_in_catalog(
                catalog, language=language, search=search
            )
            return self.paginated(listed, FlashcardSerializer)
        cards = selectors.flashcards_filter(
            selectors.flashcards_in_collection_of(user), language=language, search=search
        )
        return self.paginated(selectors.flashcards_with_details(cards, user), FlashcardSerializer)

    @extend_schema(responses={200: FlashcardSerializer, 404: NOT_FOUND})
    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=FlashcardInputSerializer, responses={201: FlashcardSerializer, 400: BAD_INPUT}
    )
    def create(self, request: Request) -> Response:
        """A card in my collection, in no catalog yet."""
        data = FlashcardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = flashcard_services.flashcard_create(owner=self.user, **data.validated_data)
        return Response(FlashcardSerializer(card).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=FlashcardPatchSerializer,
        responses={
            200: FlashcardSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: DUPLICATE,
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Edit a card; its new front is checked against every catalog it sits in."""
        card = self.get_object()
        data = FlashcardPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = flashcard_services.flashcard_update(flashcard=card, **data.validated_data)
        return Response(FlashcardSerializer(card).data)

    @extend_schema(responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    def destroy(self, request: Request, pk: str) -> Response:
        """Delete the card, from every catalog it sits in (owner only)."""
        flashcard_services.flashcard_delete(
            flashcard=self.get_object(), by=self.user, ip=client_ip(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[
            OpenApiParameter("front", str, required=True),
            OpenApiParameter("language", str, required=True, description="A language code."),
        ],
        responses={200: DuplicatesSerializer, 400: BAD_INPUT},
    )
    @action(detail=False)
    def duplicates(self, request: Request) -> Response:
        """Exact and near duplicates of a front among my cards of one language."""
        query = DuplicateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        language = query.validated_data["language"]
        matches = selectors.flashcard_duplicates(
            user=request.user, front=query.validated_data["front"], language=language
        )
        body = {
            "front": query.validated_data["front"],
            "language": language.code,
            "results": matches,
        }
        return Response(DuplicatesSerializer(body).data)
