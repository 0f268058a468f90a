"""The import form: a file, and optionally the catalog and the language it goes into."""

from typing import Any

from django import forms
from django.conf import settings

from accounts.models import User
from decks.models import Catalog, Language
from decks.selectors import catalogs_editable_by
from decks.services.imports import import_too_large_message


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text=(
            "CSV or TSV with the columns front, back, hint, language (header optional, UTF-8), "
            "or an Anki package (.apkg)."
        )
    )
    catalog = forms.ModelChoiceField(
        queryset=Catalog.objects.none(),
        required=False,
        empty_label="New catalogs: one per Anki deck, or one named after the file",
        help_text="Or put every card into one of the catalogs you can edit.",
    )
    language = forms.ModelChoiceField(
        queryset=Language.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="As given in the file or by the catalog",
        help_text="For rows that name no language. Anki packages need one.",
    )

    def __init__(
        self, *args: object, user: User, too_large: bool = False, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # An over-size file was skipped while it streamed in (decks.uploads): say so,
        # rather than "this field is required".
        self.too_large = too_large
        if too_large:
            self.fields["file"].required = False
        self.fields["catalog"].queryset = catalogs_editable_by(user).select_related("language")  # type: ignore[attr-defined]
        limit_mb = settings.IMPORT_MAX_BYTES / (1024 * 1024)
        self.fields["file"].help_text += f" At most {limit_mb:g} MB."

    def clean(self) -> dict[str, Any] | None:
        if self.too_large:
            self.add_error("file", import_too_large_message())
        return super().clean()

    def import_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `import_job_create` that come from the form."""
        language = self.cleaned_data["language"]
        return {
            "file": self.cleaned_data["file"],
            "catalog": self.cleaned_data["catalog"],
            "language_code": language.code if language else "",
        }
