from django.conf import settings
from rest_framework import serializers

from cerego.api import IdField


class AwareDateTimeField(serializers.DateTimeField):
    """A datetime that says its time zone: a device's local time without one is ambiguous."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if isinstance(value, str) and not _has_offset(value):
            raise serializers.ValidationError(
                "Give a time zone, for example 2026-05-01T08:30:00Z or +02:00."
            )
        return parsed


def _has_offset(text: str) -> bool:
    tail = text.strip()[10:]
    return tail.endswith(("Z", "z")) or "+" in tail or "-" in tail


class SyncItemSerializer(serializers.Serializer):
    client_review_id = serializers.UUIDField()
    flashcard = IdField()
    rating = serializers.IntegerField(min_value=1, max_value=4)
    reviewed_at = AwareDateTimeField()
    response_ms = serializers.IntegerField(
        min_value=0, max_value=3_600_000, required=False, allow_null=True
    )
    quiz_type = serializers.SlugField(max_length=32, required=False, allow_null=True)


class SyncInputSerializer(serializers.Serializer):
    reviews = SyncItemSerializer(  # type: ignore[call-arg]  # DRF takes max_length for lists
        many=True,
        allow_empty=False,
        max_length=settings.SYNC_BATCH_MAX,
        help_text=f"Up to {settings.SYNC_BATCH_MAX} reviews made offline, in any order.",
    )


class SyncResultSerializer(serializers.Serializer):
    client_review_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["applied", "duplicate", "rejected"])
    detail = serializers.CharField(required=False)
    memory_strength = serializers.IntegerField(required=False)
    next_due = serializers.DateTimeField(required=False, allow_null=True)


class SyncResultsSerializer(serializers.Serializer):
    results = SyncResultSerializer(many=True)
