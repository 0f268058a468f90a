from rest_framework import serializers

from accounts.models import PASSWORD_MAX_LENGTH
from waitlist.models import INVITE_TOKEN_MAX_LENGTH, NAME_MAX_LENGTH, NOTE_MAX_LENGTH, WaitlistEntry


class JoinInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True)


class WaitlistEntrySerializer(serializers.ModelSerializer):
    decided_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,  # null until staff decide
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


class RegisterInputSerializer(serializers.Serializer):
    invite_token = serializers.CharField(
        max_length=INVITE_TOKEN_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="The token from the invite link; required while the waitlist is on.",
    )
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=PASSWORD_MAX_LENGTH, write_only=True)
