from django.contrib import admin
from django.http import HttpRequest

from decks.models import Catalog, CatalogFlashcard, CatalogShare, Flashcard, ImportJob, Language


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "native_name", "bidi"]
    list_filter = ["bidi"]
    search_fields = ["code", "name", "native_name"]


class CatalogShareInline(admin.TabularInline):
    model = CatalogShare
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Catalog)
class CatalogAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "language", "visibility", "created_at"]
    list_filter = ["visibility", "language"]
    search_fields = ["name", "description", "owner__username"]
    list_select_related = ["owner", "language"]
    raw_id_fields = ["owner", "copied_from"]
    readonly_fields = ["share_token", "created_at", "updated_at"]
    inlines = [CatalogShareInline]


class MembershipInline(admin.TabularInline):
    model = CatalogFlashcard
    extra = 0
    fields = ["catalog", "added_at"]
    readonly_fields = ["catalog", "added_at"]
    can_delete = False


@admin.register(Flashcard)
class FlashcardAdmin(admin.ModelAdmin):
    """Staff moderate card text here; creating and moving cards goes through the app, which
    keeps every catalog's copy of the normalised front in step."""

    list_display = ["front", "back", "language", "owner", "created_at"]
    list_filter = ["language"]
    search_fields = ["front", "back", "owner__username"]
    list_select_related = ["owner", "language"]
    fields = ["front", "back", "hint", "language", "owner"]
    readonly_fields = ["front", "language", "owner"]
    inlines = [MembershipInline]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Staff watch imports here (a stuck or failing one shows); jobs are written only by
    the import itself, so nothing here can change them."""

    list_display = [
        "file_name",
        "owner",
        "status",
        "progress",
        "created_at",
        "created_count",
        "skipped_duplicates",
        "rejected_count",
        "reviews_imported",
    ]
    list_filter = ["status", "file_format"]
    search_fields = ["file_name", "owner__username"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
