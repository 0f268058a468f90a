"""Shapes of the decks API. Output and input serializers are separate where they differ;
none of them holds a rule: the services and selectors do."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from decks.models import (
    BACK_MAX_LENGTH,
    FRONT_MAX_LENGTH,
    HINT_MAX_LENGTH,
    Catalog,
    Flashcard,
    Language,
    Role,
)
from decks.selectors import catalog_role, language_by_code
from decks.services.card_fields import unknown_language_message
from decks.services.catalogs import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name", "native_name", "bidi"]


class LanguageField(serializers.SlugRelatedField):
    """A language by its code, case-insensitively ("es", "pt-BR")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Language.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> Language:
        language = language_by_code(str(data))
        if language is None:
            raise serializers.ValidationError(unknown_language_message(str(data)))
        return language


class CatalogSerializer(serializers.ModelSerializer):
    language = serializers.CharField(source="language.code", read_only=True, allow_null=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    flashcard_count = serializers.IntegerField(read_only=True)
    learner_count = serializers.IntegerField(
        read_only=True, help_text="People who copied the catalog into their collection."
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

    def get_role(self, catalog: Catalog) -> str:
        return catalog_role(catalog)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_share_url(self, catalog: Catalog) -> str | None:
        if not (catalog_role(catalog) == "owner" and catalog.share_token):
            return None
        if catalog.visibility != Catalog.Visibility.UNLISTED:
            return None
        path = reverse("decks:catalog-shared", kwargs={"token": catalog.share_token})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class CatalogInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, required=False, default=""
    )
    visibility = serializers.ChoiceField(
        choices=Catalog.Visibility.choices, default=Catalog.Visibility.PRIVATE
    )
    language = LanguageField(
        allow_null=True, required=False, help_text="A language code, or null for any."
    )


class FlashcardSerializer(serializers.ModelSerializer):
    language = serializers.CharField(source="language.code", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Flashcard
        fields = ["id", "front", "back", "hint", "language", "owner", "created_at", "updated_at"]
        read_only_fields = fields


class FlashcardInputSerializer(serializers.Serializer):
    front = serializers.CharField(max_length=FRONT_MAX_LENGTH)
    back = serializers.CharField(max_length=BACK_MAX_LENGTH)
    hint = serializers.CharField(
        max_length=HINT_MAX_LENGTH, allow_blank=True, required=False, default=""
    )
    language = LanguageField(required=False, help_text="A language code.")


class FlashcardPatchSerializer(serializers.Serializer):
    front = serializers.CharField(max_length=FRONT_MAX_LENGTH, required=False)
    back = serializers.CharField(max_length=BACK_MAX_LENGTH, required=False)
    hint = serializers.CharField(max_length=HINT_MAX_LENGTH, allow_blank=True, required=False)
    language = LanguageField(required=False)


class CatalogFlashcardInputSerializer(serializers.Serializer):
    """Either an existing card (`flashcard_id`) or a new one (`front`, `back`, …)."""

    flashcard_id = serializers.IntegerField(required=False, help_text="Add this existing card.")
    front = serializers.CharField(max_length=FRONT_MAX_LENGTH, required=False)
    back = serializers.CharField(max_length=BACK_MAX_LENGTH, required=False)
    hint = serializers.CharField(
        max_length=HINT_MAX_LENGTH, allow_blank=True, required=False, default=""
    )
    language = LanguageField(
        required=False, help_text="Defaults to the catalog's language; another is refused."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "flashcard_id" in attrs:
            return attrs
        missing = {
            field: "This field is required (or give flashcard_id)."
            for field in ("front", "back")
            if field not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class ShareSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    user = serializers.CharField(source="user.username", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ShareInputSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=254, help_text="A username or an email address.")
    role = serializers.ChoiceField(choices=Role.choices, default=Role.VIEWER)


class SharedCatalogSerializer(CatalogSerializer):
    flashcards = FlashcardSerializer(many=True, read_only=True, source="listed_flashcards")

    class Meta(CatalogSerializer.Meta):
        fields = [*CatalogSerializer.Meta.fields, "flashcards"]
        read_only_fields = fields


class DuplicateQuerySerializer(serializers.Serializer):
    front = serializers.CharField(max_length=FRONT_MAX_LENGTH)
    language = LanguageField()


class FlashcardMatchSerializer(serializers.Serializer):
    flashcard = FlashcardSerializer()
    similarity = serializers.FloatField(help_text="1.0 is the same word once normalised.")
    exact = serializers.BooleanField()


class DuplicatesSerializer(serializers.Serializer):
    front = serializers.CharField()
    language = serializers.CharField()
    results = FlashcardMatchSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class DuplicateErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    duplicate_of = serializers.IntegerField(help_text="The card that already holds the word.")


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The paginated-list shape of `item`, for the schema of actions that paginate."""
    fields = {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)


CatalogPageSerializer = page_of(CatalogSerializer, "CatalogPageSerializer")
FlashcardPageSerializer = page_of(FlashcardSerializer, "FlashcardPageSerializer")
SharePageSerializer = page_of(ShareSerializer, "SharePageSerializer")
