from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.views import BACKEND
from cerego.forms import add_service_errors
from cerego.http import THROTTLED_MESSAGE, HtmxRequest, client_ip, throttle_allows
from waitlist.forms import JoinForm, RegisterForm
from waitlist.selectors import waitlist_invite_entry
from waitlist.services import JOINED_MESSAGE, user_register, waitlist_entry_join


def landing(request: HtmxRequest) -> HttpResponse:
    """The front page for visitors: the waitlist form (signed-in users get the dashboard).

    HTMX posts get only the form region back; without JavaScript the form posts
    normally and the page comes back with the same message.
    """
    form = JoinForm(request.POST or None)
    joined, status = False, 200
    if request.method == "POST":
        if not throttle_allows(request, "waitlist"):
            form.add_error(None, THROTTLED_MESSAGE)
            status = 200 if request.htmx else 429  # htmx swaps only successful answers
        elif form.is_valid():
            try:
                waitlist_entry_join(**form.cleaned_data)
                joined = True
            except ValidationError as error:
                add_service_errors(form, error)
        if joined and not request.htmx:
            messages.success(request, JOINED_MESSAGE)
            return redirect("home")
    template = "waitlist/landing.html#join-form" if request.htmx else "waitlist/landing.html"
    context = {"form": form, "joined": joined, "joined_message": JOINED_MESSAGE}
    return render(request, template, context, status=status)


def register(request: HtmxRequest) -> HttpResponse:
    """Create an account from an invite link (or freely while the waitlist is off)."""
    if request.user.is_authenticated:
        return redirect("home")
    token = request.POST.get("invite_token") or request.GET.get("token", "")
    entry = waitlist_invite_entry(token) if settings.WAITLIST_ENABLED else None
    form = RegisterForm(
        request.POST or None, initial={"invite_token": token, "email": entry and entry.email}
    )
    status = 200
    if request.method == "POST":
        if not throttle_allows(request, "register"):
            form.add_error(None, THROTTLED_MESSAGE)
            status = 429
        elif form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "password_confirm"}
            try:
                user = user_register(**data, ip=client_ip(request))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                login(request, user, backend=BACKEND)
                messages.success(request, f"Welcome to Cerego, {user.username}!")
                return redirect("home")
    context = {"form": form, "entry": entry, "invite_needed": settings.WAITLIST_ENABLED}
    return render(request, "accounts/register.html", context, status=status)
