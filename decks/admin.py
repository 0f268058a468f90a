from django.contrib import admin

from decks.models import Catalog, CatalogFlashcard, CatalogShare, Flashcard, Language


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
