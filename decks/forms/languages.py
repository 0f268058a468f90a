from django import forms

from decks.models import Language


class LanguageChoiceField(forms.ModelChoiceField):
    """A language chosen by its code."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            queryset=Language.objects.all(),
            to_field_name="code",
            error_messages={"invalid_choice": "Unknown language."},
            **kwargs,  # type: ignore[arg-type]
        )
