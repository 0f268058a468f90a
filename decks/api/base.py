"""What the catalog and flashcard endpoints share: the viewset base and the error
responses their schema documents."""

from typing import cast

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import User
from cerego.api import DetailSerializer
from cerego.paging import Counted
from decks import selectors
from decks.api.permissions import ObjectAccess
from decks.api.serializers.flashcards import DuplicateErrorSerializer
from decks.models import Catalog
from decks.selectors import Access

NOT_FOUND = OpenApiResponse(DetailSerializer, description="Not there, or not yours to see.")
FORBIDDEN = OpenApiResponse(DetailSerializer, description="You may only view this.")
BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors.")
DUPLICATE = OpenApiResponse(DuplicateErrorSerializer, description="The word is already there.")
UNAUTHORIZED = OpenApiResponse(DetailSerializer, description="Not signed in.")


class DecksViewSet(viewsets.GenericViewSet):
    """The signed-in user, the access each action needs (read by `ObjectAccess`), and
    paginated lists from extra actions."""

    permission_classes = [*viewsets.GenericViewSet.permission_classes, ObjectAccess]
    lookup_value_regex = r"[0-9]+"  # so that catalogs/import/ and catalogs/public/ never match
    access: dict[tuple[str, str], Access] = {}

    @property
    def user(self) -> User:
        """IsAuthenticated, the default permission, vouches for a real user."""
        return cast(User, self.request.user)

    def access_needed(self, request: Request) -> Access:
        return self.access.get((self.action, request.method or ""), Access.VIEW)

    def paginated(self, queryset: QuerySet | Counted, serializer: type[BaseSerializer]) -> Response:
        page = self.paginate_queryset(queryset)  # type: ignore[arg-type]
        data = serializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def catalog_detailed(self, catalog: Catalog) -> Catalog:
        """A catalog just written, as the catalog endpoints show it."""
        return selectors.catalogs_with_details(
            Catalog.objects.filter(pk=catalog.pk), self.user
        ).get()
