from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.http import SignedInRequest
from cerego.forms import add_service_errors
from quizzes.forms import LearningSettingsForm
from quizzes.selectors.settings import learning_settings
from quizzes.services.settings import learning_settings_update


@login_required
def settings_edit(request: SignedInRequest) -> HttpResponse:
    form = LearningSettingsForm(request.POST or None, initial=learning_settings(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            learning_settings_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your learning settings are saved.")
            return redirect("settings")
    return render(request, "quizzes/settings.html", {"form": form})
