from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from cerego.http import client_ip
from waitlist.models import WaitlistEntry
from waitlist.services import waitlist_entry_approve, waitlist_entry_reject


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "name",
        "status",
        "position",
        "created_at",
        "decided_at",
        "decided_by",
        "invite_expires_at",
    ]
    list_filter = ["status"]
    date_hierarchy = "created_at"
    search_fields = ["email", "name"]
    ordering = ["position"]
    list_select_related = ["decided_by"]
    actions = ["approve_and_invite", "reject"]
    # Decisions go through the actions so every one is mailed and audited.
    readonly_fields = [
        "status",
        "position",
        "created_at",
        "decided_at",
        "decided_by",
        "invite_sent_at",
        "invite_expires_at",
        "invite_used_at",
    ]
    fields = ["email", "name", "note", *readonly_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people join from the landing page or the API

    def _decide(self, request: HttpRequest, entries: QuerySet, decide, verb: str) -> None:
        done = 0
        for entry in entries:
            try:
                decide(entry=entry, actor=request.user, ip=client_ip(request))
                done += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
        self.message_user(request, f"{verb} {done} entr{'y' if done == 1 else 'ies'}.")

    @admin.action(description="Approve and send invite", permissions=["change"])
    def approve_and_invite(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, waitlist_entry_approve, "Approved and invited")

    @admin.action(description="Reject", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, waitlist_entry_reject, "Rejected")
