"""The decks' lines of the audit trail (spec §6): sharing changes and deletions.

Actions recorded, each with the actor, the catalog or card as target and, when the request
gave one, the client's IP: `catalog_shared`, `catalog_share_role_changed`,
`catalog_share_revoked` (and the same three for `flashcard_`), `catalog_share_link_regenerated`,
`catalog_visibility_changed`, `catalog_deleted`, `flashcard_deleted`.
"""

from typing import Any

from accounts.models import User
from accounts.services import audit_event_record
from decks.models import Catalog, Flashcard


def _described(subject: Catalog | Flashcard) -> str:
    name = subject.name if isinstance(subject, Catalog) else subject.front
    return f"{subject._meta.model_name} {subject.pk} “{name[:80]}”"


def decks_event_record(
    *,
    event: str,
    subject: Catalog | Flashcard,
    by: User | None,
    ip: str | None = None,
    **extra: Any,
) -> None:
    """Record `event` ("shared", "deleted"…) done to a catalog or card; call it before a
    deletion, while the subject still has its id."""
    audit_event_record(
        action=f"{subject._meta.model_name}_{event}",
        actor=by,
        target=_described(subject),
        ip=ip,
        extra=extra,
    )
