from rest_framework import serializers

from decks.api.serializers.catalogs import CatalogSerializer
from decks.api.serializers.flashcards import FlashcardSerializer
from decks.api.serializers.pages import page_of
from decks.models import Role


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


SharePageSerializer = page_of(ShareSerializer, "SharePageSerializer")
