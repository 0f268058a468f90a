from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from cerego.forms import add_service_errors
from cerego.http import THROTTLED_MESSAGE, HtmxRequest, throttle_allows
from waitlist.forms import JoinForm
from waitlist.services import JOINED_MESSAGE, waitlist_entry_join


def landing(request: HtmxRequest) -> HttpResponse:
    """The front page: the waitlist form, or a greeting for someone signed in.

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
