"""Catalog endpoints: my catalogs, the public library, one catalog (change, delete,
copy) and its cards. Their shares and share link are `decks.api.sharing`'s actions."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cerego.http import client_ip
from decks import selectors
from decks.api.base import BAD_INPUT, DUPLICATE, FORBIDDEN, NOT_FOUND, UNAUTHORIZED
from decks.api.serializers.catalogs import (
    CatalogInputSerializer,
    CatalogPageSerializer,
    CatalogSerializer,
)
from decks.api.serializers.flashcards import (
    CatalogFlashcardInputSerializer,
    FlashcardPageSerializer,
    FlashcardSerializer,
)
from decks.api.sharing import CatalogLinkActions, SharesActions
from decks.models import Catalog
from decks.selectors import Access
from decks.services import catalogs as catalog_services
from decks.services import flashcards as flashcard_services

CATALOG_FILTERS = [
    OpenApiParameter("language", str, description="A language code."),
    OpenApiParameter("visibility", str, enum=Catalog.Visibility.values),
    OpenApiParameter("search", str, description="Words in the name or description, or an owner."),
]


class CatalogViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, SharesActions, CatalogLinkActions
):
    serializer_class = CatalogSerializer
    access = {
        **SharesActions.access,
        **CatalogLinkActions.access,
        ("partial_update", "PATCH"): Access.OWN,
        ("destroy", "DELETE"): Access.OWN,
        ("flashcards", "POST"): Access.EDIT,
        ("flashcard_remove", "DELETE"): Access.EDIT,
    }

    def get_object(self) -> Catalog:
        """The catalog of the URL by the one-catalog rule, as the pages read it: cheaper
        than the visibility rule built and compiled as a query. 404 if the user may not
        open it, then `ObjectAccess` as for any object."""
        found = selectors.catalog_with_access(self.user, int(self.kwargs[self.lookup_field]))
        if found is None:
            raise Http404("No catalog here.")
        self.check_object_permissions(self.request, found[0])
        return found[0]

    def get_queryset(self) -> QuerySet[Catalog]:
        user = self.request.user
        if self.action == "list":
            catalogs = selectors.catalogs_in_collection_of(user)
        elif self.action == "public":
            catalogs = selectors.catalogs_in_library(user)
        else:
            catalogs = selectors.catalogs_visible_to(user)
        if self.action in ("list", "public"):
            catalogs = selectors.catalogs_filter(
                catalogs,
                language=self.request.query_params.get("language"),
                visibility=self.request.query_params.get("visibility"),
                search=self.request.query_params.get("search"),
            )
        return selectors.catalogs_with_details(catalogs, user)

    @extend_schema(
        parameters=CATALOG_FILTERS, responses={200: CatalogSerializer, 401: UNAUTHORIZED}
    )
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        """My catalogs and those shared with me."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: CatalogSerializer, 404: NOT_FOUND})
    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=CatalogInputSerializer, responses={201: CatalogSerializer, 400: BAD_INPUT}
    )
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        data = CatalogInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        catalog = catalog_services.catalog_create(owner=self.user, **data.validated_data)
        body = self.get_serializer(self.catalog_detailed(catalog)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CatalogInputSerializer,
        responses={200: CatalogSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        catalog = self.get_object()
        data = CatalogInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "language" in values and values["language"] is None:
            values.update(language=None, clear_language=True)
        catalog_services.catalog_update(
            catalog=catalog, **values, by=self.user, ip=client_ip(request)
        )
        return Response(self.get_serializer(self.catalog_detailed(catalog)).data)

    @extend_schema(responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        catalog_services.catalog_delete(
            catalog=self.get_object(), by=self.user, ip=client_ip(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="catalogs_public_list",
        parameters=[*CATALOG_FILTERS[:1], *CATALOG_FILTERS[2:], OpenApiParameter("page", int)],
        responses={200: CatalogPageSerializer, 401: UNAUTHORIZED},
    )
    @action(detail=False)
    def public(self, request: Request) -> Response:
        """The public library: catalogs anyone signed in can preview, study and copy."""
        return self.paginated(self.get_queryset(), CatalogSerializer)

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("search", str), OpenApiParameter("page", int)],
        responses={200: FlashcardPageSerializer, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        request=CatalogFlashcardInputSerializer,
        responses={
            201: FlashcardSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: DUPLICATE,
        },
    )
    @action(detail=True, methods=["get", "post"])
    def flashcards(self, request: Request, pk: str) -> Response:
        """The catalog's cards; POST creates a card in it, or adds an existing one."""
        catalog = self.get_object()
        if request.method == "GET":
            cards = selectors.flashcards_listed_in_catalog(
                catalog, search=request.query_params.get("search")
            )
            return self.paginated(cards, FlashcardSerializer)
        data = CatalogFlashcardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "flashcard_id" in values:
            card = get_object_or_404(
                selectors.flashcards_visible_to(request.user), pk=values["flashcard_id"]
            )
            flashcard_services.catalog_flashcard_add(catalog=catalog, flashcard=card)
        else:
            card = flashcard_services.flashcard_create(owner=self.user, catalog=catalog, **values)
        return Response(FlashcardSerializer(card).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["delete"], url_path=r"flashcards/(?P<card_id>[0-9]+)")
    def flashcard_remove(self, request: Request, pk: str, card_id: str) -> Response:
        """Take a card out of the catalog (the card itself stays with its owner)."""
        catalog = self.get_object()
        card = get_object_or_404(selectors.flashcards_in_catalog(catalog), pk=card_id)
        flashcard_services.catalog_flashcard_remove(catalog=catalog, flashcard=card)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={201: CatalogSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str) -> Response:
        """Copy a catalog I may see into my own collection, cards and all."""
        copy = catalog_services.catalog_copy(catalog=self.get_object(), owner=self.user)
        body = self.get_serializer(self.catalog_detailed(copy)).data
        return Response(body, status=status.HTTP_201_CREATED)
