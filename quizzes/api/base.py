"""What the quizzes endpoints share: the signed-in learner and documented errors."""

from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.request import Request

from accounts.models import User
from cerego.api import DetailSerializer

NOT_FOUND = OpenApiResponse(DetailSerializer, description="Not there, or not yours to see.")
BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors, or {detail}.")


def learner(request: Request) -> User:
    """IsAuthenticated, the default permission, vouches for a real user."""
    return cast(User, request.user)
