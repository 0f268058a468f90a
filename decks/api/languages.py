"""The languages cards can be written in: a small reference list."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from decks.api.base import UNAUTHORIZED
from decks.api.serializers.languages import LanguageSerializer
from decks.models import Language


@extend_schema(responses={200: LanguageSerializer, 401: UNAUTHORIZED})
class LanguageViewSet(viewsets.ReadOnlyModelViewSet):
    """The languages cards can be written in: the whole list in one answer, unpaginated
    (a small reference list, about a hundred, for a language picker)."""

    queryset = Language.objects.all()
    pagination_class = None
    serializer_class = LanguageSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9-]+"
