from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from decks.api.serializers.languages import LanguageField
from decks.api.serializers.pages import page_of
from decks.models import CATALOG_DESCRIPTION_MAX_LENGTH, CATALOG_NAME_MAX_LENGTH, Catalog
from decks.selectors import Access, catalog_access, may


class CatalogSerializer(serializers.ModelSerializer):
    language = serializers.CharField(source="language.code", read_only=True, allow_null=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    flashcard_count = serializers.IntegerField(read_only=True)
    learner_count = serializers.IntegerField(
        read_only=True,
        help_text="People studying the catalog (besides its owner): quizzed on it or copied it.",
    )
    role = serializers.SerializerMethodField(help_text="What you may do: owner, editor or viewer.")
    share_url = serializers.SerializerMethodField(
        help_text="The unlisted catalog's link; only its owner sees it."
    )

    class Meta:
        model = Catalog
        fields = [
            "id",
            "name",
            "description",
            "visibility",
            "language",
            "owner",
            "flashcard_count",
            "learner_count",
            "role",
            "share_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _access(self, catalog: Catalog) -> Access:
        request = self.context.get("request")
        return catalog_access(request.user if request else AnonymousUser(), catalog)

    def get_role(self, catalog: Catalog) -> str:
        return self._access(catalog).role

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_share_url(self, catalog: Catalog) -> str | None:
        if not (may(self._access(catalog), Access.OWN) and catalog.share_token):
            return None
        if catalog.visibility != Catalog.Visibility.UNLISTED:
            return None
        path = reverse("decks:catalog-shared", kwargs={"token": catalog.share_token})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class CatalogInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=CATALOG_NAME_MAX_LENGTH)
    description = serializers.CharField(
        max_length=CATALOG_DESCRIPTION_MAX_LENGTH, allow_blank=True, required=False, default=""
    )
    visibility = serializers.ChoiceField(
        choices=Catalog.Visibility.choices, default=Catalog.Visibility.PRIVATE
    )
    language = LanguageField(
        allow_null=True, required=False, help_text="A language code, or null for any."
    )


CatalogPageSerializer = page_of(CatalogSerializer, "CatalogPageSerializer")
