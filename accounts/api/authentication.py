"""API tokens that die with the account's token version, not only when they expire.

Every token carries the user's `token_version`; a password change or logging out everywhere
bumps it (`accounts.services.tokens_revoke_all`), and from then on every access and refresh
token issued before is a 401, on every device at once.
"""

from typing import Any

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken, Token

from accounts.models import User

TOKEN_VERSION_CLAIM = "token_version"  # noqa: S105 (a claim name)
NO_ACCOUNT = "No active account found for the given token."
REVOKED = "This token was revoked: the password changed or the account logged out everywhere."


def token_user(token: Token) -> User:
    """The active user `token` was issued to, while the token is of their current version.

    Tokens issued before the claim existed count as version 0: deploying it logs nobody
    out, and the first bump revokes them like any other.
    """
    user = User.objects.filter(pk=token.get(api_settings.USER_ID_CLAIM)).first()
    if user is None or not user.is_active:
        raise AuthenticationFailed(NO_ACCOUNT, code="user_not_found")
    if token.get(TOKEN_VERSION_CLAIM, 0) != user.token_version:
        raise AuthenticationFailed(REVOKED, code="token_revoked")
    return user


class _VersionClaim(Token):
    @classmethod
    def for_user(cls, user: Any) -> Any:
        token = super().for_user(user)
        token[TOKEN_VERSION_CLAIM] = user.token_version
        return token


# The stubs type the blacklist mixin's for_user apart from Token's; at run time they chain.
class VersionedRefreshToken(RefreshToken, _VersionClaim):  # type: ignore[misc]
    """A refresh token (and the access tokens made from it) carrying the token version.

    The claim is set below the blacklist mixin in the method order, so the outstanding
    token it records is the token as issued, claim included.
    """


class VersionedJWTAuthentication(JWTAuthentication):
    """Bearer access tokens, refused once the user is gone, inactive or revoked them."""

    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]
        return token_user(validated_token)


class VersionedJWTScheme(SimpleJWTScheme):
    """Documents the bearer scheme for this subclass as for SimpleJWT's own class."""

    target_class = "accounts.api.authentication.VersionedJWTAuthentication"
