"""The decks API: languages, catalogs, flashcards, shares and duplicates.

Querysets come from `decks.selectors`, writes go through `decks.services`; a private
object is a 404 to whoever may not see it, and a 403 to a viewer who tries to change it.
"""

from typing import cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import User
from cerego.http import client_ip
from decks import selectors
from decks.api import serializers as s
from decks.api.permissions import EDIT, OWN, VIEW, ObjectAccess
from decks.models import Catalog, Flashcard, Language
from decks.services import catalogs as catalog_services
from decks.services import flashcards as flashcard_services
from decks.services import sharing

NOT_FOUND = OpenApiResponse(s.ErrorSerializer, description="Not there, or not yours to see.")
FORBIDDEN = OpenApiResponse(s.ErrorSerializer, description="You may only view this.")
BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors.")
DUPLICATE = OpenApiResponse(s.DuplicateErrorSerializer, description="The word is already there.")
UNAUTHORIZED = OpenApiResponse(s.ErrorSerializer, description="Not signed in.")

CATALOG_FILTERS = [
    OpenApiParameter("language", str, description="A language code."),
    OpenApiParameter("visibility", str, enum=Catalog.Visibility.values),
    OpenApiParameter("search", str, description="Words in the name or description, or an owner."),
]


class DecksViewSet(viewsets.GenericViewSet):
    """What the catalog and flashcard endpoints share: the signed-in user, the access each
    action needs (read by `ObjectAccess`), and paginated lists from extra actions."""

    permission_classes = [*viewsets.GenericViewSet.permission_classes, ObjectAccess]
    lookup_value_regex = r"[0-9]+"  # so that catalogs/import/ and catalogs/public/ never match
    access: dict[tuple[str, str], str] = {}

    @property
    def user(self) -> User:
        """IsAuthenticated, the default permission, vouches for a real user."""
        return cast(User, self.request.user)

    def access_needed(self, request: Request) -> str:
        return self.access.get((self.action, request.method or ""), VIEW)

    def paginated(self, queryset: QuerySet, serializer: type[BaseSerializer]) -> Response:
        page = self.paginate_queryset(queryset)
        data = serializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


class SharesActions(DecksViewSet):
    """The shares of a catalog or a single card: list, share, revoke (the owner only)."""

    access = {
        ("shares", "GET"): OWN,
        ("shares", "POST"): OWN,
        ("share_revoke", "DELETE"): OWN,
    }

    @extend_schema(
        methods=["GET"],
        responses={200: s.SharePageSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        request=s.ShareInputSerializer,
        responses={201: s.ShareSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"])
    def shares(self, request: Request, pk: str) -> Response:
        """Who it is shared with; POST shares it (again: changes the role)."""
        shared = self.get_object()
        if request.method == "GET":
            return self.paginated(shared.shares.select_related("user"), s.ShareSerializer)
        data = s.ShareInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        share = sharing.share_create(
            shared=shared,
            user_ref=data.validated_data["user"],
            role=data.validated_data["role"],
            by=self.user,
            ip=client_ip(request),
        )
        return Response(s.ShareSerializer(share).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["delete"], url_path=r"shares/(?P<share_id>[0-9]+)")
    def share_revoke(self, request: Request, pk: str, share_id: str) -> Response:
        share = get_object_or_404(self.get_object().shares.all(), pk=share_id)
        sharing.share_revoke(share=share, by=self.user, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(responses={200: s.LanguageSerializer, 401: UNAUTHORIZED})
class LanguageViewSet(viewsets.ReadOnlyModelViewSet):
    """The languages cards can be written in."""

    queryset = Language.objects.all()
    serializer_class = s.LanguageSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9-]+"


class CatalogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SharesActions):
    serializer_class = s.CatalogSerializer
    access = {
        **SharesActions.access,
        ("partial_update", "PATCH"): OWN,
        ("destroy", "DELETE"): OWN,
        ("share_link", "POST"): OWN,
        ("flashcards", "POST"): EDIT,
        ("flashcard_remove", "DELETE"): EDIT,
    }

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

    def _detailed(self, catalog: Catalog) -> Catalog:
        return self.get_queryset().get(pk=catalog.pk)

    @extend_schema(
        parameters=CATALOG_FILTERS, responses={200: s.CatalogSerializer, 401: UNAUTHORIZED}
    )
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        """My catalogs and those shared with me."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.CatalogSerializer, 404: NOT_FOUND})
    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=s.CatalogInputSerializer, responses={201: s.CatalogSerializer, 400: BAD_INPUT}
    )
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        data = s.CatalogInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        catalog = catalog_services.catalog_create(owner=self.user, **data.validated_data)
        body = self.get_serializer(self._detailed(catalog)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CatalogInputSerializer,
        responses={200: s.CatalogSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        catalog = self.get_object()
        data = s.CatalogInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "language" in values and values["language"] is None:
            values.update(language=None, clear_language=True)
        catalog_services.catalog_update(
            catalog=catalog, **values, by=self.user, ip=client_ip(request)
        )
        return Response(self.get_serializer(self._detailed(catalog)).data)

    @extend_schema(responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        catalog_services.catalog_delete(
            catalog=self.get_object(), by=self.user, ip=client_ip(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="catalogs_public_list",
        parameters=[*CATALOG_FILTERS[:1], *CATALOG_FILTERS[2:], OpenApiParameter("page", int)],
        responses={200: s.CatalogPageSerializer, 401: UNAUTHORIZED},
    )
    @action(detail=False)
    def public(self, request: Request) -> Response:
        """The public library: catalogs anyone signed in can preview, study and copy."""
        return self.paginated(self.get_queryset(), s.CatalogSerializer)

    def _by_link(self, token: str) -> Catalog:
        catalog = selectors.catalog_by_share_token(user=self.user, token=token)
        if catalog is None:
            raise NotFound("No catalog behind this link.")
        return catalog

    @extend_schema(responses={200: s.SharedCatalogSerializer, 404: NOT_FOUND})
    @action(detail=False, url_path=r"shared/(?P<token>[A-Za-z0-9_-]+)")
    def shared(self, request: Request, token: str) -> Response:
        """Open an unlisted catalog by its link: the catalog with its cards."""
        catalog = self._by_link(token)
        catalog = selectors.catalogs_with_details(
            Catalog.objects.filter(pk=catalog.pk), request.user
        ).get()
        catalog.listed_flashcards = selectors.flashcards_in_catalog(catalog)  # type: ignore[attr-defined]
        return Response(
            s.SharedCatalogSerializer(catalog, context=self.get_serializer_context()).data
        )

    @extend_schema(request=None, responses={201: s.CatalogSerializer, 404: NOT_FOUND})
    @action(detail=False, methods=["post"], url_path=r"shared/(?P<token>[A-Za-z0-9_-]+)/copy")
    def shared_copy(self, request: Request, token: str) -> Response:
        """Copy an unlisted catalog opened by its link into my own collection."""
        copy = catalog_services.catalog_copy(catalog=self._by_link(token), owner=self.user)
        body = self.get_serializer(self._detailed(copy)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: s.CatalogSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="share-link")
    def share_link(self, request: Request, pk: str) -> Response:
        """Create the share link of an unlisted catalog, or replace it (the old one dies)."""
        catalog = sharing.catalog_share_link_regenerate(
            catalog=self.get_object(), by=self.user, ip=client_ip(request)
        )
        return Response(self.get_serializer(self._detailed(catalog)).data)

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("search", str), OpenApiParameter("page", int)],
        responses={200: s.FlashcardPageSerializer, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        request=s.CatalogFlashcardInputSerializer,
        responses={
            201: s.FlashcardSerializer,
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
            cards = selectors.flashcards_filter(
                selectors.flashcards_in_catalog(catalog), search=request.query_params.get("search")
            )
            return self.paginated(cards, s.FlashcardSerializer)
        data = s.CatalogFlashcardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "flashcard_id" in values:
            card = get_object_or_404(
                selectors.flashcards_visible_to(request.user), pk=values["flashcard_id"]
            )
            flashcard_services.catalog_flashcard_add(catalog=catalog, flashcard=card)
        else:
            card = flashcard_services.flashcard_create(owner=self.user, catalog=catalog, **values)
        return Response(s.FlashcardSerializer(card).data, status=status.HTTP_201_CREATED)

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
        responses={201: s.CatalogSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str) -> Response:
        """Copy a catalog I may see into my own collection, cards and all."""
        copy = catalog_services.catalog_copy(catalog=self.get_object(), owner=self.user)
        body = self.get_serializer(self._detailed(copy)).data
        return Response(body, status=status.HTTP_201_CREATED)


FLASHCARD_FILTERS = [
    OpenApiParameter("language", str, description="A language code."),
    OpenApiParameter("catalog", int, description="Only the cards of this catalog."),
    OpenApiParameter("search", str, description="Words in the front or the back."),
]


class FlashcardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SharesActions):
    serializer_class = s.FlashcardSerializer
    access = {
        **SharesActions.access,
        ("partial_update", "PATCH"): EDIT,
        ("destroy", "DELETE"): OWN,
    }

    def get_queryset(self) -> QuerySet[Flashcard]:
        user, params = self.request.user, self.request.query_params
        if self.action != "list":
            cards = selectors.flashcards_visible_to(user)
        elif params.get("catalog", "").isdigit():
            catalog = get_object_or_404(selectors.catalogs_visible_to(user), pk=params["catalog"])
            cards = selectors.flashcards_in_catalog(catalog)
        else:
            cards = selectors.flashcards_in_collection_of(user)
        cards = selectors.flashcards_filter(
            cards, language=params.get("language"), search=params.get("search")
        )
        return selectors.flashcards_with_details(cards, user)

    @extend_schema(
        parameters=FLASHCARD_FILTERS,
        responses={200: s.FlashcardSerializer, 401: UNAUTHORIZED, 404: NOT_FOUND},
    )
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        """My cards and those shared with me, or the cards of one catalog (`?catalog=`)."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.FlashcardSerializer, 404: NOT_FOUND})
    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=s.FlashcardInputSerializer, responses={201: s.FlashcardSerializer, 400: BAD_INPUT}
    )
    def create(self, request: Request) -> Response:
        """A card in my collection, in no catalog yet."""
        data = s.FlashcardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = flashcard_services.flashcard_create(owner=self.user, **data.validated_data)
        return Response(s.FlashcardSerializer(card).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.FlashcardPatchSerializer,
        responses={
            200: s.FlashcardSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: DUPLICATE,
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Edit a card; its new front is checked against every catalog it sits in."""
        card = self.get_object()
        data = s.FlashcardPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = flashcard_services.flashcard_update(flashcard=card, **data.validated_data)
        return Response(s.FlashcardSerializer(card).data)

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
        responses={200: s.DuplicatesSerializer, 400: BAD_INPUT},
    )
    @action(detail=False)
    def duplicates(self, request: Request) -> Response:
        """Exact and near duplicates of a front among my cards of one language."""
        query = s.DuplicateQuerySerializer(data=request.query_params)
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
        return Response(s.DuplicatesSerializer(body).data)
