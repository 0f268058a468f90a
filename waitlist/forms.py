from typing import Any

from django import forms
from django.contrib.auth import password_validation

from accounts.models import PASSWORD_MAX_LENGTH
from cerego.forms import FocusFirstErrorMixin
from waitlist.models import INVITE_TOKEN_MAX_LENGTH, NAME_MAX_LENGTH, NOTE_MAX_LENGTH
from waitlist.services import INVALID_INVITE


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


class RegisterForm(FocusFirstErrorMixin, forms.Form):
    invite_token = forms.CharField(
        max_length=INVITE_TOKEN_MAX_LENGTH,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"max_length": INVALID_INVITE},
    )
    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # The rules up front, as on the password change page, not only after a refusal.
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_confirm = forms.CharField(
        label="Password again",
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def add_error(self, field: str | None, error: Any) -> None:
        # Nobody can see or fix the hidden invite token: its errors speak for the whole form
        # (otherwise Django prefixes them with "(Hidden field invite_token)").
        super().add_error(None if field == "invite_token" else field, error)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", "The two passwords differ.")
        return cleaned
