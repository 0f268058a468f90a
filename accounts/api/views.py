from typing import Any, cast

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import services
from accounts.api import serializers as s
from accounts.models import AuditEvent, User
from cerego.api import AnonymousThrottledView, DetailSerializer
from cerego.http import client_ip
from cerego.throttling import FailOpenScopedRateThrottle

ERROR = DetailSerializer
INVALID = OpenApiResponse(description="Invalid input: field errors.")
UNAUTHORIZED = OpenApiResponse(ERROR, description="Missing, invalid or expired credentials.")
THROTTLED = OpenApiResponse(ERROR, description="Too many requests; see Retry-After.")
RESET_SENT = "If an account uses this email, we have mailed it a link to reset the password."


class AccountLocked(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "account_locked"

    def __init__(self, wait: float | None) -> None:
        super().__init__(settings.AXES_COOLOFF_MESSAGE)
        self.wait = wait  # DRF's handler turns this into Retry-After


class TokenObtainView(TokenObtainPairView):
    """Log in with a username or email and a password; answers 429 while locked out."""

    serializer_class = s.TokenObtainInputSerializer
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        responses={200: s.TokenPairSerializer, 400: INVALID, 401: UNAUTHORIZED, 429: THROTTLED}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except AuthenticationFailed:
            # django-axes refused or counted the attempt, but SimpleJWT only says 401.
            credentials = {"username": serializer.initial_data.get("username")}
            if AxesProxyHandler.is_locked(request, credentials):
                cool_off = get_cool_off(request)
                raise AccountLocked(cool_off.total_seconds() if cool_off else None) from None
            raise
        user = serializer.user  # type: ignore[attr-defined]
        services.audit_event_record(
            action=AuditEvent.Action.LOGIN,
            actor=user,
            target=f"user {user.pk}",
            ip=client_ip(request),
            extra={"via": "api"},
        )
        return Response(serializer.validated_data)


class TokenRefreshRotateView(TokenRefreshView):
    """Trade a refresh token for a new pair; the old refresh token is blacklisted."""

    serializer_class = s.TokenRefreshInputSerializer

    @extend_schema(responses={200: s.TokenPairSerializer, 400: INVALID, 401: UNAUTHORIZED})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


class LogoutView(APIView):
    """Blacklist a refresh token. The token itself is the credential, so no access token."""

    authentication_classes = ()
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'  # a bad refresh token is a 401, as on token/refresh/

    @extend_schema(
        request=s.RefreshInputSerializer,
        responses={204: None, 400: INVALID, 401: UNAUTHORIZED},
    )
    def post(self, request: Request) -> Response:
        serializer = s.RefreshInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token = RefreshToken(serializer.validated_data["refresh"])
            token.blacklist()
        except TokenError as error:
            raise InvalidToken(error.args[0]) from error
        user_id = token.get(api_settings.USER_ID_CLAIM)
        services.audit_event_record(
            action=AuditEvent.Action.LOGOUT,
            actor=User.objects.filter(pk=user_id).first(),
            target=f"user {user_id}",
            ip=client_ip(request),
            extra={"via": "api"},
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutEverywhereView(APIView):
    """Log out on every device: every access and refresh token of the account stops working."""

    @extend_schema(request=None, responses={204: None, 401: UNAUTHORIZED})
    def post(self, request: Request) -> Response:
        services.user_logout_everywhere(user=cast(User, request.user), ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BodyOnDeleteSchema(AutoSchema):
    """drf-spectacular documents no request body on DELETE; deleting the account has one."""

    def _get_request_body(self, direction: str = "request") -> Any:
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"  # the base class reads a body for unsafe methods only
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


class MeView(APIView):
    schema = BodyOnDeleteSchema()

    @extend_schema(responses={200: s.MeSerializer, 401: UNAUTHORIZED})
    def get(self, request: Request) -> Response:
        return Response(s.MeSerializer(request.user).data)

    @extend_schema(
        request=s.MeUpdateSerializer,
        responses={200: s.MeSerializer, 400: INVALID, 401: UNAUTHORIZED},
    )
    def patch(self, request: Request) -> Response:
        serializer = s.MeUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=cast(User, request.user), **serializer.validated_data)
        return Response(s.MeSerializer(user).data)

    @extend_schema(
        request=s.AccountDeleteInputSerializer,
        responses={204: None, 400: INVALID, 401: UNAUTHORIZED},
    )
    def delete(self, request: Request) -> Response:
        """Delete my account and everything it owns; the password is asked again."""
        serializer = s.AccountDeleteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_delete(
            user=cast(User, request.user),
            password=serializer.validated_data["password"],
            ip=client_ip(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    """Change the password; every token the user holds stops working, this one included."""

    @extend_schema(
        request=s.PasswordChangeInputSerializer,
        responses={204: None, 400: INVALID, 401: UNAUTHORIZED},
    )
    def post(self, request: Request) -> Response:
        serializer = s.PasswordChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_change(
            user=cast(User, request.user), **serializer.validated_data, ip=client_ip(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(AnonymousThrottledView):
    """Mail a reset link; the answer is the same whether the email has an account or not."""

    throttle_scope = "password_reset"

    @extend_schema(
        request=s.PasswordResetInputSerializer,
        responses={202: DetailSerializer, 400: INVALID, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        serializer = s.PasswordResetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(
            email=serializer.validated_data["email"], ip=client_ip(request)
        )
        return Response({"detail": RESET_SENT}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(AnonymousThrottledView):
    throttle_scope = "password_reset"

    @extend_schema(
        request=s.PasswordResetConfirmInputSerializer,
        responses={204: None, 400: INVALID, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        serializer = s.PasswordResetConfirmInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.password_reset_confirm(
            uidb64=data["uid"],
            token=data["token"],
            new_password=data["new_password"],
            ip=client_ip(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
