from collections.abc import Callable
from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.serializers import MeSerializer
from accounts.models import User
from cerego.api import AnonymousThrottledView, DetailSerializer, IsAdmin
from cerego.http import client_ip
from waitlist import selectors, services
from waitlist.api.serializers import (
    JoinInputSerializer,
    RegisterInputSerializer,
    WaitlistEntrySerializer,
)
from waitlist.models import WaitlistEntry

INVALID = OpenApiResponse(description="Invalid input: field errors.")
THROTTLED = OpenApiResponse(DetailSerializer, description="Too many requests; see Retry-After.")
UNAUTHORIZED = OpenApiResponse(DetailSerializer, description="Not signed in.")
FORBIDDEN = OpenApiResponse(DetailSerializer, description="Signed in, but not staff.")
NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such entry.")
DECISION_RESPONSES = {
    200: WaitlistEntrySerializer,
    400: INVALID,
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    404: NOT_FOUND,
}


class JoinView(AnonymousThrottledView):
    """Join the waitlist. The answer never tells whether the email was already known."""

    throttle_scope = "waitlist"

    @extend_schema(
        request=JoinInputSerializer,
        responses={
            202: DetailSerializer,
            400: INVALID,
            429: OpenApiResponse(DetailSerializer, description="Too many requests."),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = JoinInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.waitlist_entry_join(**serializer.validated_data)
        return Response({"detail": services.JOINED_MESSAGE}, status=status.HTTP_202_ACCEPTED)


class WaitlistEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Staff: review the waitlist and decide on entries."""

    permission_classes = [IsAdmin]
    serializer_class = WaitlistEntrySerializer
    queryset = WaitlistEntry.objects.none()

    def get_queryset(self):
        status_filter = self.request.query_params.get("status") or None
        return selectors.waitlist_entries(status=status_filter)

    @extend_schema(
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=WaitlistEntry.Status.values)],
        responses={
            200: WaitlistEntrySerializer(many=True),
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: OpenApiResponse(DetailSerializer, description="No such page."),
        },
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    def _decided(self, request: Request, decide: Callable[..., WaitlistEntry]) -> Response:
        entry = decide(
            entry=self.get_object(), actor=cast(User, request.user), ip=client_ip(request)
        )
        return Response(WaitlistEntrySerializer(entry).data)

    @extend_schema(request=None, responses=DECISION_RESPONSES)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve and mail a fresh invite (an earlier invite stops working)."""
        return self._decided(request, services.waitlist_entry_approve)

    @extend_schema(request=None, responses=DECISION_RESPONSES)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decided(request, services.waitlist_entry_reject)


class RegisterView(AnonymousThrottledView):
    throttle_scope = "register"

    @extend_schema(
        request=RegisterInputSerializer,
        responses={201: MeSerializer, 400: INVALID, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data, ip=client_ip(request))
        return Response(MeSerializer(user).data, status=status.HTTP_201_CREATED)
