"""Web forms of decks: they parse and type the input; the services decide what is allowed."""

from django import forms

from decks.models import BACK_MAX_LENGTH, FRONT_MAX_LENGTH, HINT_MAX_LENGTH, Catalog, Language, Role
from decks.services.catalogs import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH


class LanguageChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            queryset=Language.objects.all(),
            to_field_name="code",
            error_messages={"invalid_choice": "Unknown language."},
            **kwargs,  # type: ignore[arg-type]
        )


class CatalogForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH)
    description = forms.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(choices=Catalog.Visibility.choices)
    language = LanguageChoiceField(
        required=False, empty_label="Any language", help_text="When set, every card is in it."
    )


class FlashcardForm(forms.Form):
    front = forms.CharField(max_length=FRONT_MAX_LENGTH)
    back = forms.CharField(max_length=BACK_MAX_LENGTH)
    hint = forms.CharField(max_length=HINT_MAX_LENGTH, required=False)
    language = LanguageChoiceField(required=False, empty_label="Language…")


class ShareForm(forms.Form):
    user = forms.CharField(max_length=254, label="Username or email")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)
