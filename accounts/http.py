"""The typed request of signed-in pages; its user is ours, so it lives with the user model."""

from accounts.models import User
from cerego.http import HtmxRequest


class SignedInRequest(HtmxRequest):
    """What a `login_required` view gets: a real user, and django-htmx's details."""

    user: User
