from typing import Any, cast

from rest_framework import serializers
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.serializers import (
    PasswordField,
    TokenObtainPairSerializer,
    TokenRefreshSerializer,
)
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.api.authentication import TOKEN_VERSION_CLAIM, VersionedRefreshToken, token_user
from accounts.models import PASSWORD_MAX_LENGTH, User

TOKEN_MAX_LENGTH = 4096


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class TokenObtainInputSerializer(TokenObtainPairSerializer):
    token_class = VersionedRefreshToken

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"] = serializers.CharField(
            max_length=254, write_only=True, help_text="Username or email address."
        )
        self.fields["password"] = PasswordField(max_length=PASSWORD_MAX_LENGTH)


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=TOKEN_MAX_LENGTH)


class TokenRefreshInputSerializer(TokenRefreshSerializer):
    """Trade a refresh token for a new pair, once, while its user may still use it."""

    refresh = serializers.CharField(max_length=TOKEN_MAX_LENGTH)
    token_class = VersionedRefreshToken

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        refresh = self.token_class(attrs["refresh"])  # checks signature, expiry, blacklist
        user = token_user(refresh)
        # Refresh tokens always rotate. Only the request that blacklists this one gets a new
        # pair: two refreshes of the same token at once (two app instances) get one, not two.
        # (blacklist() returns get_or_create's pair, whatever its annotation says.)
        _, blacklisted_now = cast(tuple[BlacklistedToken, bool], refresh.blacklist())
        if not blacklisted_now:
            raise InvalidToken("Token is blacklisted")
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh[TOKEN_VERSION_CLAIM] = user.token_version
        refresh.outstand()
        return {"access": str(refresh.access_token), "refresh": str(refresh)}


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
