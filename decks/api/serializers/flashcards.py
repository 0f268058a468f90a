from typing import Any

from rest_framework import serializers

from decks.api.serializers.languages import LanguageField
from decks.api.serializers.pages import page_of
from decks.models import BACK_MAX_LENGTH, FRONT_MAX_LENGTH, HINT_MAX_LENGTH, Flashcard


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


class DuplicateErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    duplicate_of = serializers.IntegerField(help_text="The card that already holds the word.")


FlashcardPageSerializer = page_of(FlashcardSerializer, "FlashcardPageSerializer")
