"""Object permissions of the decks API.

The rule itself is `decks.selectors.catalog_access`/`flashcard_access` and `may`, which the
pages use too. Objects a user may not see never get this far: they are a 404 from the
queryset.
"""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from decks.models import Catalog
from decks.selectors import catalog_access, flashcard_access, may


class ObjectAccess(BasePermission):
    """Viewers read; editors also change cards; only the owner changes or shares the object.

    The view says what each action needs through `access_needed(request)`.
    """

    message = "You may only view this; ask its owner for more."

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if isinstance(obj, Catalog):
            access = catalog_access(request.user, obj)
        else:
            access = flashcard_access(request.user, obj)
        return may(access, view.access_needed(request))
