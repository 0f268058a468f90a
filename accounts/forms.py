from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.forms import BaseForm

from accounts.api.serializers import PASSWORD_MAX_LENGTH
from accounts.http import client_ip
from accounts.models import USER_SETTINGS_EDITABLE, UserSettings
from accounts.services import password_reset_request
from waitlist.services import INVALID_INVITE, INVITE_TOKEN_MAX_LENGTH


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, each message under its own field."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


class FocusFirstErrorMixin(BaseForm):
    """After a refusal the cursor lands in the first field to fix.

    htmx focuses an `autofocus` element in the content it swaps in, and browsers do on a
    full page load, so this works with and without JavaScript.
    """

    def get_context(self) -> dict[str, Any]:
        if self.is_bound:
            for name, field in self.fields.items():
                if name in self.errors and not field.widget.is_hidden:
                    field.widget.attrs["autofocus"] = True
                    break
        return super().get_context()


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
