from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from accounts.api.serializers import PASSWORD_MAX_LENGTH
from accounts.models import USER_SETTINGS_EDITABLE, UserSettings
from accounts.services import password_reset_request
from cerego.forms import FocusFirstErrorMixin
from cerego.http import client_ip
from waitlist.services import INVALID_INVITE, INVITE_TOKEN_MAX_LENGTH


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Username or email",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username or email and password do not match an account.",
    }


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


class ProfileForm(FocusFirstErrorMixin, forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)


class LearningSettingsForm(FocusFirstErrorMixin, forms.ModelForm):
    class Meta:
        model = UserSettings
        fields = USER_SETTINGS_EDITABLE
        widgets = {"preferred_quiz_types": forms.CheckboxSelectMultiple}
        help_texts = {"time_zone": "An IANA name, such as Europe/Paris or America/New_York."}


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        # Both doors mail through the one service (a background task, after commit).
        password_reset_request(email=self.cleaned_data["email"], ip=client_ip(request))
