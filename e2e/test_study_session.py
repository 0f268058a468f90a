"""A study session in a real browser: keyboard only across quiz types, and on a phone."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import UserFactory
from decks.models import Catalog, Language
from decks.services.catalogs import catalog_create
from decks.services.flashcards import flashcard_create
from decks.services.languages import languages_seed
from e2e.decks_support import PHONE, Visitors, scrolls_sideways, stays_in_place, was_not_reloaded
from quizzes.models import Quiz, QuizType
from quizzes.services.quiz_types import quiz_types_seed
from quizzes.services.quizzes import quiz_create

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = [("gato", "cat"), ("perro", "dog"), ("caballo", "horse"), ("pájaro", "bird")]
LONG = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"


@pytest.fixture
def visitors(new_context, live_server) -> Visitors:
    languages_seed()
    quiz_types_seed()
    return Visitors(new_context, live_server.url)


def spanish_catalog(owner: User, words=WORDS) -> Catalog:
    catalog = catalog_create(owner=owner, name="Animals", language=Language.objects.get(code="es"))
    for front, back in words:
        flashcard_create(owner=owner, catalog=catalog, front=front, back=back)
    return catalog


def quiz_of_types(owner: User, catalog: Catalog, codes: list[str]) -> Quiz:
    """A quiz whose questions are of these types, in this order: drawn as multiple choice,
    then each later question re-asked the way that type asks it."""
    quiz = quiz_create(user=owner, catalog=catalog, size=len(codes), quiz_types=["multiple_choice"])
    for question, code in zip(quiz.questions.order_by("position"), codes, strict=True):
        card = question.flashcard
        question.quiz_type = QuizType.objects.get(code=code)
        if code in ("flip", "typed"):
            question.prompt, question.expected_answer = card.front, card.back
            question.choices = None
        elif code == "true_false":
            question.prompt, question.shown_answer, question.choices = card.front, card.back, None
            question.expected_answer = "true"
        question.save()
    return quiz


def next_question(page: Page) -> None:
    expect(page.locator(".study-next")).to_be_focused()
    page.keyboard.press("Enter")


def test_a_keyboard_only_session_across_quiz_types(visitors: Visitors, screenshot):
    ana = UserFactory(username="ana")
    catalog = spanish_catalog(ana)
    quiz = quiz_of_types(ana, catalog, ["multiple_choice", "flip", "typed", "true_false"])
    first, _, typed, _ = quiz.questions.order_by("position")
    wrong = next(i for i, c in enumerate(first.choices) if c != first.expected_answer)
    page = visitors.page_for(ana)

    page.goto(f"/catalogs/{catalog.pk}/study/")  # resumes the open quiz
    expect(page.get_by_text("Keyboard shortcuts")).to_be_visible()
    expect(page.locator("#question-heading")).to_have_text(first.prompt)
    stays_in_place(page)
    screenshot(page, "study-choice")

    page.keyboard.press("abcd"[wrong])  # a wrong choice, by letter
    expect(page.locator("#feedback-heading")).to_have_text("Not quite")
    expect(page.locator("#study-status")).to_contain_text("Not quite")
    expect(page.locator("#study-progress-bar")).to_have_attribute("value", "1")
    screenshot(page, "study-feedback-wrong")
    next_question(page)

    expect(page.locator("#question-heading")).to_be_focused()  # a flip card
    page.keyboard.press(" ")
    expect(page.locator(".study-reveal")).to_be_visible()
    expect(page.locator(".study-grades button")).to_have_count(4)
    screenshot(page, "study-flip-revealed")
    page.keyboard.press("3")
    expect(page.locator("#feedback-heading")).to_have_text("Remembered")
    next_question(page)

    answer = page.get_by_label("Type what it means")
    expect(answer).to_be_focused()
    page.keyboard.type(typed.expected_answer[:-1] + "x" + typed.expected_answer[-1:])
    page.keyboard.press("Enter")
    expect(page.locator("#feedback-heading")).to_have_text("Right, with a typo")
    expect(page.locator(".study-diff ins").first).to_be_visible()
    screenshot(page, "study-typo")
    next_question(page)

    expect(page.locator(".study-shown")).to_be_visible()  # true or false
    expect(page.locator("#question-heading")).to_be_focused()
    page.keyboard.press("1")
    expect(page.locator("#feedback-heading")).to_have_text("Right!")
    expect(page.locator(".study-next")).to_contain_text("See the summary")
    next_question(page)

    expect(page.locator("#summary-heading")).to_have_text("Session complete")
    expect(page.locator(".study-score-final")).to_contain_text("3 of 4")
    expect(page.locator(".study-summary")).to_contain_text("strengthened")
    expect(page.locator(".study-summary")).to_contain_text("Next review in")
    screenshot(page, "study-summary")
    assert was_not_reloaded(page)  # every step was an HTMX swap

    page.reload()  # nothing is answered twice by a reload
    expect(page.locator("#summary-heading")).to_be_visible()
    quiz.refresh_from_db()
    assert (quiz.answered_count, quiz.correct_count) == (4, 3)
    assert visitors.errors == []


def test_a_session_on_a_phone_fits_and_uses_big_buttons(visitors: Visitors, screenshot):
    bo = UserFactory(username="bo")
    words = [(f"{LONG}{n}", f"the badge on a captain's cap, number {n}") for n in range(4)]
    catalog = spanish_catalog(bo, words)
    page = visitors.page_for(bo, **PHONE)

    page.goto(f"/catalogs/{catalog.pk}/")
    page.get_by_role("button", name="Study", exact=True).click()
    expect(page.locator("#question-heading")).to_be_visible()
    quiz = Quiz.objects.get(user=bo)
    for position in range(1, quiz.size + 1):
        question = quiz.questions.get(position=position)
        screenshot(page, f"phone-study-question-{position}")
        assert not scrolls_sideways(page), "the question scrolls sideways"
        if question.quiz_type.code == "true_false":
            page.get_by_role("button", name="True").tap()
        else:
            button = page.locator(".study-choices button").first
            assert button.bounding_box()["height"] >= 44  # a thumb's size
            button.tap()
        expect(page.locator("#feedback-heading")).to_be_visible()
        assert not scrolls_sideways(page), "the feedback scrolls sideways"
        page.locator(".study-next").tap()
    expect(page.locator("#summary-heading")).to_be_visible()
    screenshot(page, "phone-study-summary")
    assert not scrolls_sideways(page), "the summary scrolls sideways"
    assert visitors.errors == []
