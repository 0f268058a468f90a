"""The learner's own data: download all of it, or delete the account (password asked again)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from accounts.forms import PasswordConfirmForm
from accounts.http import SignedInRequest
from accounts.services import user_delete, user_password_confirm
from cerego.forms import add_service_errors
from cerego.http import client_ip
from quizzes.http import account_export_response
from quizzes.selectors.account_data import account_deletion_summary


@login_required
def account_export(request: SignedInRequest) -> HttpResponse | StreamingHttpResponse:
    """Ask the password again, then send everything as a JSON file."""
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_confirm(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return account_export_response(request.user, ip=client_ip(request))
    return render(request, "quizzes/account_export.html", {"form": form})


@login_required
def account_delete(request: SignedInRequest) -> HttpResponse:
    """Say what goes and what stays; with the password, delete the account and sign out."""
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_delete(
                user=request.user, password=form.cleaned_data["password"], ip=client_ip(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The deletion is in the audit trail; there is no user left to log a logout of.
            request.user = AnonymousUser()  # type: ignore[assignment]
            logout(request)
            messages.success(request, "Your account and all your data are deleted. Goodbye.")
            return redirect("home")
    context = {"form": form, "summary": account_deletion_summary(request.user)}
    return render(request, "quizzes/account_delete.html", context)
