"""Study sessions in the browser: start or resume one, answer one question at a time.

One view serves the full page and, for HTMX, the `#study` region; without JavaScript an
answer is posted, then redirected to the page showing its feedback (POST/redirect/GET),
so the back button never posts it again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.http import SignedInRequest
from cerego.http import ascii_id
from decks.models import Catalog
from quizzes.forms import AnswerForm
from quizzes.selectors.quizzes import catalog_to_study, quiz_of
from quizzes.selectors.sessions import open_quiz_of, session_of, study_overview
from quizzes.services.quizzes import (
    AlreadyAnswered,
    QuizNotFound,
    quiz_answer_submit,
    quiz_resume_or_create,
)


def _see_other(url: str) -> HttpResponse:
    """303: the browser follows with a GET, and history holds no POST to repeat."""
    return HttpResponseRedirect(url, status=303)


def _start(request: SignedInRequest, catalog: Catalog | None, share: str = "") -> HttpResponse:
    """GET: resume the open quiz of this scope, else say what is due; POST: start one."""
    if request.method == "POST":
        try:
            quiz = quiz_resume_or_create(user=request.user, catalog=catalog)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
            return redirect(request.get_full_path())
        return _see_other(reverse("study-session", args=[quiz.pk]))
    if open_quiz := open_quiz_of(request.user, catalog):
        return redirect("study-session", quiz_id=open_quiz.pk)
    overview = study_overview(request.user, catalog, timezone.now())
    context = {"catalog": catalog, "overview": overview, "share": share}
    return render(request, "quizzes/study_start.html", context)


@login_required
def study_all(request: SignedInRequest) -> HttpResponse:
    return _start(request, None)


@login_required
def study_catalog(request: SignedInRequest, catalog_id: int) -> HttpResponse:
    share = request.GET.get("share", "")
    catalog = catalog_to_study(request.user, catalog_id, share)
    if catalog is None:
        raise Http404
    return _start(request, catalog, share)


@login_required
def study_session(request: SignedInRequest, quiz_id: int) -> HttpResponse:
    form = AnswerForm(request.POST or None)
    answered_id = ascii_id(request.GET.get("answered"))
    if form.is_bound and form.is_valid():
        # The answer first: it finds the quiz among the learner's own (a 404 otherwise), so
        # the quiz and its questions are read once, as they are after it.
        answered_id = _submit(request, quiz_id, form)
        if answered_id is not None and not request.htmx:
            url = reverse("study-session", args=[quiz_id])
            return _see_other(f"{url}?answered={answered_id}")
    quiz = quiz_of(request.user, quiz_id)
    if quiz is None:
        raise Http404
    session = session_of(request.user, quiz, timezone.now(), answered_id)
    template = "quizzes/study_session.html" + ("#study" if request.htmx else "")
    status = 400 if form.errors else 200
    return render(request, template, {"session": session, "form": form}, status=status)


def _submit(request: SignedInRequest, quiz_id: int, form: AnswerForm) -> int | None:
    """Answer; the id of the question answered (a second answer shows the first one's
    result, never counted twice), or None with the refusal on the form."""
    data = form.cleaned_data
    try:
        quiz_answer_submit(
            user=request.user,
            quiz_id=quiz_id,
            question_id=data["question"],
            answer=data["answer"],
            rating=data["rating"],
            response_ms=data["response_ms"],
        )
    except AlreadyAnswered:
        pass
    except QuizNotFound as error:
        raise Http404 from error
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None
    return data["question"]
