from rest_framework import serializers
from rest_framework_simplejwt.serializers import PasswordField, TokenObtainPairSerializer

from accounts.models import PASSWORD_MAX_LENGTH, User

TOKEN_MAX_LENGTH = 4096


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class TokenObtainInputSerializer(TokenObtainPairSerializer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"] = serializers.CharField(
            max_length=254, write_only=True, help_text="Username or email address."
        )
        self.fields["password"] = PasswordField(max_length=PASSWORD_MAX_LENGTH)


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=TOKEN_MAX_LENGTH)


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email", "is_admin", "created_at"]
        read_only_fields = fields


class MeUpdateSerializer(serializers.Serializer):
    # No model validators here: uniqueness and the username rules live in the service.
    username = serializers.CharField(max_length=150, required=False)
    email = serializers.EmailField(max_length=254, required=False)


class PasswordChangeInputSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=PASSWORD_MAX_LENGTH)
    new_password = serializers.CharField(max_length=PASSWORD_MAX_LENGTH)


class PasswordResetInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmInputSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64, help_text="The uidb64 part of the mailed link.")
    token = serializers.CharField(max_length=128, help_text="The token part of the mailed link.")
    new_password = serializers.CharField(max_length=PASSWORD_MAX_LENGTH)


class AccountDeleteInputSerializer(serializers.Serializer):
    password = serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False, help_text="Your password, again."
    )
