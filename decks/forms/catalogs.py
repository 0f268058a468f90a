from django import forms

from decks.forms.languages import LanguageChoiceField
from decks.models import CATALOG_DESCRIPTION_MAX_LENGTH, CATALOG_NAME_MAX_LENGTH, Catalog


class CatalogForm(forms.Form):
    name = forms.CharField(max_length=CATALOG_NAME_MAX_LENGTH)
    description = forms.CharField(
        max_length=CATALOG_DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    visibility = forms.ChoiceField(choices=Catalog.Visibility.choices)
    language = LanguageChoiceField(
        required=False, empty_label="Any language", help_text="When set, every card is in it."
    )
