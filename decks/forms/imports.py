"""The import form (a file, and optionally the catalog and the language it goes into) and
the preview form that confirms the languages detected for its decks."""

from typing import Any

from django import forms
from django.conf import settings

from accounts.models import User
from decks.models import Catalog, ImportJob, Language
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
        help_text=(
            "For rows that name no language. Left empty, it is detected for each deck, "
            "for you to confirm before anything is imported."
        ),
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


class ImportPreviewForm(forms.Form):
    """The language of each deck of a previewed import: one select per deck, in file order."""

    def __init__(
        self, *args: object, job: ImportJob, languages: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.decks = job.decks
        self.language_names = dict(languages)
        for index, deck in enumerate(self.decks):
            required = bool(deck["without_language"])
            empty = "Unknown — choose one" if required else "As named in the file"
            self.fields[f"deck-{index}"] = forms.ChoiceField(
                choices=[("", empty), *languages],
                required=required,
                initial=deck["language"] or "",
                label=f"Language of {deck['name']}",
                error_messages={"required": f"Choose the language of “{deck['name']}”."},
            )

    def deck_rows(self) -> list[tuple[dict[str, Any], forms.BoundField, str]]:
        """The decks with their language field and detected language's name, for the table."""
        return [
            (deck, self[f"deck-{index}"], self.language_names.get(deck["detected"] or "", ""))
            for index, deck in enumerate(self.decks)
        ]

    def languages(self) -> dict[str, str]:
        """The `languages` argument of `import_job_confirm`: {deck key: code}."""
        return {
            deck["key"]: self.cleaned_data[f"deck-{index}"] for index, deck in enumerate(self.decks)
        }
