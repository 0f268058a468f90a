from django import forms

from decks.forms.languages import LanguageChoiceField
from decks.models import BACK_MAX_LENGTH, FRONT_MAX_LENGTH, HINT_MAX_LENGTH


class FlashcardForm(forms.Form):
    front = forms.CharField(max_length=FRONT_MAX_LENGTH)
    back = forms.CharField(max_length=BACK_MAX_LENGTH)
    hint = forms.CharField(max_length=HINT_MAX_LENGTH, required=False)
    language = LanguageChoiceField(required=False, empty_label="Language…")
