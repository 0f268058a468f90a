"""Sharing endpoints: the shares of a catalog or a single card (the owner's), and the share
link of an unlisted catalog: make or replace it, open it, copy through it."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from cerego.http import client_ip
from decks import selectors
from decks.api.base import BAD_INPUT, FORBIDDEN, NOT_FOUND, DecksViewSet
from decks.api.serializers.catalogs import CatalogSerializer
from decks.api.serializers.sharing import (
    SharedCatalogSerializer,
    ShareInputSerializer,
    SharePageSerializer,
    ShareSerializer,
)
from decks.models import Catalog
from decks.selectors import Access
from decks.services import catalogs as catalog_services
from decks.services import sharing


class SharesActions(DecksViewSet):
    """The shares of a catalog or a single card: list, share, revoke (the owner only)."""

    access = {
        ("shares", "GET"): Access.OWN,
        ("shares", "POST"): Access.OWN,
        ("share_revoke", "DELETE"): Access.OWN,
    }

    @extend_schema(
        methods=["GET"],
        responses={200: SharePageSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        request=ShareInputSerializer,
        responses={201: ShareSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"])
    def shares(self, request: Request, pk: str) -> Response:
        """Who it is shared with; POST shares it (again: changes the role)."""
        shared = self.get_object()
        if request.method == "GET":
            return self.paginated(shared.shares.select_related("user"), ShareSerializer)
        data = ShareInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        share = sharing.share_create(
            shared=shared,
            user_ref=data.validated_data["user"],
            role=data.validated_data["role"],
            by=self.user,
            ip=client_ip(request),
        )
        return Response(ShareSerializer(share).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["delete"], url_path=r"shares/(?P<share_id>[0-9]+)")
    def share_revoke(self, request: Request, pk: str, share_id: str) -> Response:
        share = get_object_or_404(self.get_object().shares.all(), pk=share_id)
        sharing.share_revoke(share=share, by=self.user, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CatalogLinkActions(DecksViewSet):
    """The share link of an unlisted catalog."""

    access = {("share_link", "POST"): Access.OWN}

    def _by_link(self, token: str) -> Catalog:
        catalog = selectors.catalog_by_share_token(user=self.user, token=token)
        if catalog is None:
            raise NotFound("No catalog behind this link.")
        return catalog

    @extend_schema(responses={200: SharedCatalogSerializer, 404: NOT_FOUND})
    @action(detail=False, url_path=r"shared/(?P<token>[A-Za-z0-9_-]+)")
    def shared(self, request: Request, token: str) -> Response:
        """Open an unlisted catalog by its link: the catalog with its cards."""
        catalog = self._by_link(token)
        catalog.listed_flashcards = selectors.flashcards_in_catalog(catalog)  # type: ignore[attr-defined]
        return Response(
            SharedCatalogSerializer(catalog, context=self.get_serializer_context()).data
        )

    @extend_schema(request=None, responses={201: CatalogSerializer, 404: NOT_FOUND})
    @action(detail=False, methods=["post"], url_path=r"shared/(?P<token>[A-Za-z0-9_-]+)/copy")
    def shared_copy(self, request: Request, token: str) -> Response:
        """Copy an unlisted catalog opened by its link into my own collection."""
        copy = catalog_services.catalog_copy(catalog=self._by_link(token), owner=self.user)
        body = self.get_serializer(self.catalog_detailed(copy)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: CatalogSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="share-link")
    def share_link(self, request: Request, pk: str) -> Response:
        """Create the share link of an unlisted catalog, or replace it (the old one dies)."""
        catalog = sharing.catalog_share_link_regenerate(
            catalog=self.get_object(), by=self.user, ip=client_ip(request)
        )
        return Response(self.get_serializer(self.catalog_detailed(catalog)).data)
