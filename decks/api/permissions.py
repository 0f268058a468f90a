"""Object permissions of the decks API.

They only read what the selectors computed (`user_is_owner`, `user_can_edit`): the rules
themselves live in `decks.selectors`. Objects a user may not see never get this far —
they are a 404 from the queryset.
"""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

VIEW, EDIT, OWN = "view", "edit", "own"


class ObjectAccess(BasePermission):
    """Viewers read; editors also change cards; only the owner changes or shares the object.

    The view says what each action needs through `access_needed(request)`.
    """

    message = "You may only view this; ask its owner for more."

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        need = view.access_needed(request)
        if need == OWN:
            return bool(obj.user_is_owner)
        if need == EDIT:
            return bool(obj.user_can_edit)
        return True
