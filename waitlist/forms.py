from django import forms

from cerego.forms import FocusFirstErrorMixin
from waitlist.models import NAME_MAX_LENGTH, NOTE_MAX_LENGTH


class JoinForm(FocusFirstErrorMixin, forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    name = forms.CharField(
        label="Name (optional)",
        max_length=NAME_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    note = forms.CharField(
        label="What would you like to learn? (optional)",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
