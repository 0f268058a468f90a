from django import forms

from decks.models import Role


class ShareForm(forms.Form):
    user = forms.CharField(max_length=254, label="Username or email")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)
