from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from accounts.models import PASSWORD_MAX_LENGTH
from accounts.services import password_reset_request
from cerego.forms import FocusFirstErrorMixin
from cerego.http import client_ip


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


class ProfileForm(FocusFirstErrorMixin, forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        # Both doors mail through the one service (a background task, after commit).
        password_reset_request(email=self.cleaned_data["email"], ip=client_ip(request))


class PasswordConfirmForm(FocusFirstErrorMixin, forms.Form):
    """The password asked again before a download of everything or a deletion."""

    password = forms.CharField(
        label="Your password",
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
