from django.db.models import QuerySet

from waitlist.models import INVITE_TOKEN_MAX_LENGTH, WaitlistEntry, invite_token_hash


def waitlist_entries(*, status: str | None = None) -> QuerySet[WaitlistEntry]:
    entries = WaitlistEntry.objects.select_related("decided_by").order_by("position")
    return entries.filter(status=status) if status else entries


def waitlist_invite_entry(token: str) -> WaitlistEntry | None:
    """The entry an invite link belongs to, while the invite can still be used."""
    if not token or len(token) > INVITE_TOKEN_MAX_LENGTH:
        return None
    entry = WaitlistEntry.objects.filter(invite_token_hash=invite_token_hash(token)).first()
    return entry if entry and entry.invite_is_usable else None
