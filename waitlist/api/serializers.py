from rest_framework import serializers

from waitlist.models import NAME_MAX_LENGTH, NOTE_MAX_LENGTH, WaitlistEntry


class JoinInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True)


class WaitlistEntrySerializer(serializers.ModelSerializer):
    decided_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = WaitlistEntry
        fields = [
            "id",
            "email",
            "name",
            "note",
            "status",
            "position",
            "created_at",
            "decided_at",
            "decided_by",
            "invite_sent_at",
            "invite_expires_at",
            "invite_used_at",
        ]
        read_only_fields = fields
