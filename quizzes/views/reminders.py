"""Unsubscribing from the reminder email: the mail's signed link, no login needed."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from quizzes.selectors.reminders import user_of_unsubscribe_token
from quizzes.services.reminders import reminders_unsubscribe


# No CSRF token: mail clients POST here for one-click unsubscribe (RFC 8058), and the
# signed token in the link is what authorises the change. A GET only asks to confirm, so
# link scanners that open every link in a mail unsubscribe nobody.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def reminders_unsubscribe_view(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("token", "")
    user = user_of_unsubscribe_token(token)
    if user is None:
        raise Http404
    if request.method == "POST":
        reminders_unsubscribe(user=user)
        return render(request, "quizzes/unsubscribed.html", {"reminder_user": user})
    return render(request, "quizzes/unsubscribe.html", {"reminder_user": user, "token": token})
