from typing import Any

from rest_framework import serializers

from decks.models import Language
from decks.selectors import language_by_code
from decks.services.card_fields import unknown_language_message


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
