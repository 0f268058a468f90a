"""The study pages and the charts work under the enforced CSP: their scripts carry the
page's nonce, and nothing on them needs what the policy forbids (inline handlers, inline
styles, `javascript:` links). The access matrix checks the policy on every other page."""

import re

import pytest
import time_machine
from django.urls import reverse

from cerego.tests.markup import parse
from quizzes.services.quizzes import quiz_create
from quizzes.tests.conftest import START, signed_in

pytestmark = pytest.mark.django_db

CHART_SCRIPTS = {"/static/vendor/chartjs/chart.umd.min.js", "/static/js/charts.js"}


def page_under_the_policy(response) -> set[str]:
    """The scripts the page runs (their src), after checking each runs under the policy."""
    assert response.status_code == 200
    assert "Content-Security-Policy-Report-Only" not in response
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
    assert nonce, policy
    assert "'unsafe-inline'" not in policy
    page = parse(response.content)
    running = [script for script in page.scripts if script.runs]
    assert all(script.attrs.get("nonce") == nonce[1] for script in running), running
    assert page.handlers == []
    assert page.script_urls == []
    assert " style=" not in response.content.decode()  # style-src 'self' refuses them
    return {script.attrs.get("src") or "(inline)" for script in running}


@time_machine.travel(START, tick=False)
@pytest.mark.parametrize(
    "url",
    [
        lambda cards: reverse("home"),  # the dashboard
        lambda cards: reverse("statistics"),
        lambda cards: reverse("card-detail", args=[cards[2].pk]),
    ],
    ids=["dashboard", "statistics", "card-detail"],
)
def test_the_chart_pages_load_the_chart_scripts_with_the_nonce(learner, studied_deck, url):
    scripts = page_under_the_policy(signed_in(learner).get(url(studied_deck)))

    assert scripts >= CHART_SCRIPTS


@time_machine.travel(START, tick=False)
def test_the_retention_charts_of_the_settings_page_carry_the_nonce(learner, studied_deck):
    scripts = page_under_the_policy(signed_in(learner).get(reverse("settings")))

    assert scripts >= CHART_SCRIPTS


@pytest.mark.parametrize("code", ["multiple_choice", "typed", "true_false", "flip"])
def test_a_study_session_and_its_feedback_run_under_the_policy(learner, deck, code):
    client = signed_in(learner)
    quiz = quiz_create(user=learner, catalog=deck, size=2, quiz_types=[code])
    question = quiz.questions.order_by("position").first()
    session = reverse("study-session", args=[quiz.pk])
    assert "/static/js/study.js" in page_under_the_policy(client.get(session))

    answered = client.post(
        session,
        {"question": question.pk, "answer": question.expected_answer, "rating": 3},
        follow=True,
    )

    assert answered.redirect_chain == [(f"{session}?answered={question.pk}", 303)]
    assert "/static/js/study.js" in page_under_the_policy(answered)
