from django.contrib import admin

from decks.models import Language


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "native_name", "bidi"]
    list_filter = ["bidi"]
    search_fields = ["code", "name", "native_name"]
