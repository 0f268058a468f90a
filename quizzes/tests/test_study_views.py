"""The study session pages: start or resume, one question at a time, feedback, summary."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from decks.models import Catalog, Flashcard
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory
from quizzes.models import Quiz, QuizQuestion, ReviewLog
from quizzes.services.quizzes import quiz_create
from quizzes.tests.test_query_counts import collection

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def session_url(quiz):
    return reverse("study-session", args=[quiz.pk])


def quiz_of_type(learner, deck, code, size=3):
    return quiz_create(user=learner, catalog=deck, size=size, quiz_types=[code])


def first_question(quiz):
    return quiz.questions.order_by("position").first()


def answer(client, quiz, question, htmx=True, **data):
    data = {"question": question.pk, "response_ms": 3000, **data}
    return client.post(session_url(quiz), data, **(HTMX if htmx else {}))


def wrong_choice(question):
    return next(choice for choice in question.choices if choice != question.expected_answer)


# Starting and resuming


def test_the_start_page_says_what_is_due_and_starts_a_quiz(signed_in, deck):
    url = reverse("study-catalog", args=[deck.pk])

    page = signed_in.get(url).content.decode()
    assert "Spanish basics" in page
    assert "<strong>20</strong> new cards" in page  # the daily new-card limit
    assert "Start studying" in page

    response = signed_in.post(url)
    quiz = Quiz.objects.get()
    assert response.status_code == 303
    assert response["Location"] == session_url(quiz)
    assert quiz.catalog == deck


def test_an_open_quiz_is_resumed_not_drawn_again(signed_in, learner, deck):
    quiz = quiz_of_type(learner, deck, "typed")

    assert signed_in.get(reverse("study-catalog", args=[deck.pk]))["Location"] == session_url(quiz)
    signed_in.post(reverse("study-catalog", args=[deck.pk]))
    assert Quiz.objects.count() == 1


def test_study_all_draws_from_everything_due(signed_in, learner, deck):
    assert "Study everything due" in signed_in.get(reverse("study-all")).content.decode()

    response = signed_in.post(reverse("study-all"))

    quiz = Quiz.objects.get()
    assert response["Location"] == session_url(quiz)
    assert quiz.catalog is None


def test_nothing_to_study_shows_an_empty_state(signed_in, learner, quiz_types):
    catalog = CatalogFactory(owner=learner)
    url = reverse("study-catalog", args=[catalog.pk])

    assert "Nothing to study right now" in signed_in.get(url).content.decode()
    response = signed_in.post(url, follow=True)
    assert Quiz.objects.count() == 0
    assert "no card is due" in response.content.decode()


def test_another_learners_private_catalog_is_not_found(signed_in, spanish, quiz_types):
    private = CatalogFactory(owner=UserFactory(), language=spanish)
    CatalogFlashcardFactory(catalog=private)
    url = reverse("study-catalog", args=[private.pk])

    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url).status_code == 404
    assert Quiz.objects.count() == 0


def test_a_public_catalog_is_studied_without_copying_it(signed_in, learner, spanish, quiz_types):
    public = CatalogFactory(owner=UserFactory(), language=spanish, visibility="public")
    CatalogFlashcardFactory(catalog=public, flashcard__language=spanish)
    catalogs = Catalog.objects.count()

    response = signed_in.post(reverse("study-catalog", args=[public.pk]), follow=True)

    assert response.status_code == 200
    assert Quiz.objects.get().catalog == public
    assert Catalog.objects.count() == catalogs  # no copy
    assert "Question 1 of 1" in response.content.decode()


def test_an_unlisted_catalog_is_studied_with_its_share_link(signed_in, spanish, quiz_types):
    unlisted = CatalogFactory(
        owner=UserFactory(), language=spanish, visibility="unlisted", share_token="s3cret"
    )
    CatalogFlashcardFactory(catalog=unlisted, flashcard__language=spanish)
    url = reverse("study-catalog", args=[unlisted.pk])

    assert signed_in.post(url).status_code == 404
    response = signed_in.post(f"{url}?share=s3cret")
    assert response.status_code == 303
    quiz = Quiz.objects.get()
    assert quiz.catalog == unlisted

    # Its page opens only through the link, so the summary offers everything due instead.
    question = first_question(quiz)
    answer(signed_in, quiz, question, answer=question.expected_answer, rating=3)
    summary = signed_in.get(session_url(quiz)).content.decode()
    assert "Session complete" in summary
    assert f'href="{reverse("study-all")}"' in summary
    assert reverse("decks:catalog-detail", args=[unlisted.pk]) not in summary


# Each quiz type, as a page and as an HTMX fragment


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("flip", ["Show the answer", 'name="rating" value="1"', "back in", "Easy"]),
        ("multiple_choice", ['name="answer" value="word', "What does it mean?"]),
        ("true_false", ['value="true"', 'value="false"', "True or false?"]),
        ("reverse_choice", ['name="answer" value="palabra', "Which word means this?"]),
        ("typed", ['autocomplete="off"', "autofocus", "Type what it means"]),
        ("reverse_typed", ['autocomplete="off"', "autofocus", "Type the word"]),
    ],
)
def test_every_quiz_type_is_rendered(signed_in, learner, deck, code, expected):
    quiz = quiz_of_type(learner, deck, code)
    question = first_question(quiz)

    page = signed_in.get(session_url(quiz)).content.decode()
    fragment = signed_in.get(session_url(quiz), **HTMX).content.decode()

    assert "<html" in page
    assert "<html" not in fragment
    assert 'id="study"' in fragment
    for html in (page, fragment):
        assert question.prompt in html
        assert '<progress id="study-progress-bar" value="0" max="3">' in html
        for text in expected:
            assert text in html
    if code in ("typed", "reverse_typed"):  # the answer is not in the page before it is typed
        assert f"{question.expected_answer}<" not in page


def test_the_prompt_in_the_cards_language_gets_a_hidden_speak_button(signed_in, learner, deck):
    quiz = quiz_of_type(learner, deck, "typed")
    page = signed_in.get(session_url(quiz)).content.decode()

    assert re.search(r'<h2 id="question-heading" tabindex="-1" lang="es"', page)
    assert re.search(r'class="speak[^"]*" data-speak="palabra \d+" data-lang="es" hidden', page)
    assert 'src="/static/js/study.js"' in page
    assert "study.css" in page


# Answering


def test_a_right_choice_shows_the_memory_it_built(signed_in, learner, deck):
    quiz = quiz_of_type(learner, deck, "multiple_choice")
    question = first_question(quiz)

    html = answer(signed_in, quiz, question, answer=question.expected_answer).content.decode()

    assert "Right!" in html
    assert "Memory strength <strong>" in html
    assert "Memory level: <strong>" in html
    assert "Back in <strong>" in html
    assert 'class="study-big study-next" autofocus' in html
    assert 'hx-swap-oob="innerHTML">Right.' in html  # read out by the live region
    assert '<progress id="study-progress-bar" value="1" max="3">' in html
    assert "Score: <strong>1</strong> right (100 %)" in html


def test_a_wrong_choice_is_counted_wrong(signed_in, learner, deck):
    quiz = quiz_of_type(learner, deck, "reverse_choice")
    question = first_question(quiz)

    html = answer(signed_in, quiz, question, answer=wrong_choice(question)).content.decode()

    assert "Not quite" in html
    assert "Score: <strong>0</strong> right (0 %)" in html
    assert question.flashcard.front in html
    assert question.flashcard.back in html


def test_true_false_and_flip_answers(signed_in, learner, deck):
    quiz = quiz_create(user=learner, catalog=deck, size=2, quiz_types=["true_false"])
    question = first_question(quiz)
    assert (
        "Right!"
        in answer(signed_in, quiz, question, answer=question.expected_answer).content.decode()
    )

    flip = quiz_of_type(learner, deck, "flip", size=2)
    html = answer(signed_in, flip, first_question(flip), rating=3).content.decode()
    assert "Remembered" in html
    assert ReviewLog.objects.filter(rating=3, quiz_type__code="flip").count() == 1


def test_after_a_flip_answer_the_next_flip_card_offers_its_four_grades(signed_in, learner, deck):
    flip = quiz_of_type(learner, deck, "flip", size=2)
    answered = answer(signed_in, flip, first_question(flip), rating=1).content.decode()

    following = signed_in.get(session_url(flip), **HTMX).content.decode()

    assert "Question 2 of 2" in following
    assert following.count("back in") == 4  # each grade says when the card comes back
    assert "back in" not in answered  # the feedback shows no grades of its own


def test_a_typed_answer_with_a_typo_shows_the_difference(signed_in, learner, deck):
    quiz = quiz_of_type(learner, deck, "typed")
    question = first_question(quiz)  # "word N"
    typo = question.expected_answer.replace("word", "wrd")

    html = answer(signed_in, quiz, question, answer=typo).content.decode()

    assert "Right, with a typo" in html
    assert "w<ins>o</ins>rd" in html
    assert f"the answer is <strong>{question.expected_answer}</strong>" in html


def test_a_wrong_typed_answer_shows_the_expected_one(signed_in, learner, deck):
    quiz = quiz_of_type(learner, deck, "reverse_typed")
    question = first_question(quiz)

    html = answer(signed_in, quiz, question, answer="gato").content.decode()

    assert "Not quite" in html
    assert f"You typed “gato”; the answer is <strong>{question.expected_answer}</strong>" in html


def test_an_empty_typed_answer_is_refused_and_asked_again(signed_in, learner, deck):
    quiz = quiz_of_type(learner, deck, "flip")
    question = first_question(quiz)

    response = answer(signed_in, quiz, question)  # a flip card needs a grade

    assert response.status_code == 400
    assert "Grade yourself" in response.content.decode()
    assert not QuizQuestion.objects.get(pk=question.pk).answered


def test_without_javascript_an_answer_redirects_to_its_feedback(signed_in, learner, deck):
    quiz = quiz_of_type(learner, deck, "typed", size=2)
    first, second = quiz.questions.order_by("position")

    response = answer(signed_in, quiz, first, htmx=False, answer=first.expected_answer)

    assert response.status_code == 303
    assert response["Location"] == f"{session_url(quiz)}?answered={first.pk}"
    feedback = signed_in.get(response["Location"]).content.decode()
    assert "Right!" in feedback
    assert "Next question" in feedback
    following = signed_in.get(session_url(quiz)).content.decode()
    assert second.prompt in following
    assert "Question 2 of 2" in following


def test_a_second_answer_shows_the_first_result_and_counts_once(signed_in, learner, deck):
    quiz = quiz_of_type(learner, deck, "multiple_choice")
    question = first_question(quiz)
    answer(signed_in, quiz, question, answer=question.expected_answer)

    again = answer(signed_in, quiz, question, answer=wrong_choice(question))  # another tab
    no_js = answer(signed_in, quiz, question, htmx=False, answer=wrong_choice(question))

    assert again.status_code == 200
    assert "Right!" in again.content.decode()
    assert no_js.status_code == 303
    quiz.refresh_from_db()
    assert (quiz.answered_count, quiz.correct_count) == (1, 1)
    assert ReviewLog.objects.count() == 1


def test_another_learners_quiz_is_not_found(client, learner, deck):
    quiz = quiz_of_type(learner, deck, "typed")
    question = first_question(quiz)
    client.force_login(UserFactory())

    assert client.get(session_url(quiz)).status_code == 404
    assert answer(client, quiz, question, answer="x").status_code == 404
    assert not QuizQuestion.objects.get(pk=question.pk).answered


def test_a_question_of_another_quiz_is_not_found(signed_in, learner, deck):
    quiz = quiz_of_type(learner, deck, "typed", size=1)
    other = quiz_of_type(learner, deck, "typed", size=1)

    assert answer(signed_in, quiz, first_question(other), answer="x").status_code == 404


def test_the_summary_after_the_last_answer(signed_in, learner, deck):
    quiz = quiz_of_type(learner, deck, "multiple_choice", size=2)
    first, second = quiz.questions.order_by("position")
    answer(signed_in, quiz, first, answer=first.expected_answer)
    last = answer(
        signed_in, quiz, second, answer=wrong_choice(QuizQuestion.objects.get(pk=second.pk))
    )
    assert "See the summary" in last.content.decode()

    summary = signed_in.get(session_url(quiz), **HTMX).content.decode()

    assert "Session complete" in summary
    assert "<strong>1 of 2</strong> right (50 %)" in summary
    assert "<strong>2</strong> cards strengthened" in summary  # new cards start from nothing
    assert "Next review in <strong>" in summary
    assert "New" in summary
    assert "Building" in summary
    assert f'href="{reverse("study-catalog", args=[deck.pk])}"' in summary
    assert "Study this catalog more" in summary
    assert f'href="{reverse("decks:catalog-detail", args=[deck.pk])}"' in summary
    assert signed_in.get(reverse("study-catalog", args=[deck.pk])).status_code == 200  # none open


# Formatting kept from the cards


@pytest.fixture
def formatted_deck(deck):
    """The deck with bold fronts, and backs holding HTML the services would never store."""
    for card in Flashcard.objects.filter(memberships__catalog=deck):
        Flashcard.objects.filter(pk=card.pk).update(
            front=f"<b>{card.front}</b>",
            back=f'{card.back}<script>alert(1)</script><i onclick="alert(2)">!</i>',
        )
    return deck


def test_a_question_shows_the_cards_bold_and_escapes_other_html(signed_in, learner, formatted_deck):
    quiz = quiz_of_type(learner, formatted_deck, "multiple_choice")
    question = first_question(quiz)

    page = signed_in.get(session_url(quiz)).content.decode()

    assert re.search(r'tabindex="-1" lang="es">\s*<b>palabra \d+</b></h2>', page)
    assert re.search(r'data-speak="palabra \d+"', page)  # spoken without its markup
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "onclick" not in page.replace("&lt;i onclick=", "")
    html = answer(signed_in, quiz, question, answer=question.expected_answer).content.decode()
    assert "Right!" in html
    assert "<script>alert" not in html


def test_a_typed_answer_is_graded_without_the_cards_markup(signed_in, learner, formatted_deck):
    quiz = quiz_of_type(learner, formatted_deck, "reverse_typed")
    question = first_question(quiz)
    word = question.flashcard.front.removeprefix("<b>").removesuffix("</b>")

    html = answer(signed_in, quiz, question, answer=word).content.decode()

    assert "Right!" in html
    assert f"<b>{word}</b>" in html


# Buttons elsewhere


def test_catalog_pages_have_study_buttons(signed_in, learner, deck):
    study = f'action="{reverse("study-catalog", args=[deck.pk])}"'

    assert study in signed_in.get(reverse("decks:catalog-detail", args=[deck.pk])).content.decode()
    assert study in signed_in.get(reverse("decks:catalog-list")).content.decode()
    assert (
        f'href="{reverse("study-all")}"' in signed_in.get(reverse("decks:library")).content.decode()
    )


def test_the_library_offers_to_study_a_public_catalog(signed_in, spanish, quiz_types):
    public = CatalogFactory(owner=UserFactory(), language=spanish, visibility="public")
    page = signed_in.get(reverse("decks:library")).content.decode()

    assert f'action="{reverse("study-catalog", args=[public.pk])}"' in page
    assert "without copying it" in page


# Query counts


@pytest.mark.parametrize("size", [100, 10_000])
def test_study_pages_cost_a_handful_of_queries(
    signed_in, learner, spanish, quiz_types, size, django_assert_max_num_queries
):
    catalog = collection(learner, spanish, size)
    url = reverse("study-catalog", args=[catalog.pk])
    with django_assert_max_num_queries(15):
        assert signed_in.get(url).status_code == 200
    quiz = quiz_create(user=learner, catalog=catalog, size=20)

    with django_assert_max_num_queries(10):
        assert signed_in.get(session_url(quiz)).status_code == 200
    with django_assert_max_num_queries(10):
        assert signed_in.get(session_url(quiz), **HTMX).status_code == 200
    question = first_question(quiz)
    with django_assert_max_num_queries(40):
        answer(signed_in, quiz, question, answer=question.expected_answer)
    for question in quiz.questions.all():
        answer(signed_in, quiz, question, answer=question.expected_answer, rating=3)
    with django_assert_max_num_queries(10):
        assert "Session complete" in signed_in.get(session_url(quiz)).content.decode()
