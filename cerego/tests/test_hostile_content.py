"""Hostile card text is harmless wherever it is shown.

Cards whose front, back and hint hold markup (`<script>`, `<img onerror>`, `javascript:`
links, `<svg onload>`, htmx attributes, attempts to close the surrounding element),
entities and RTL overrides, in a public and an unlisted catalog with a hostile name,
studied so that they have a quiz, feedback, progress, a review history and a leech. Two
cards are typed through the services (which keep only the formatting subset); two are
written to the database past them, as a raw admin edit or an old row would be, so the
pages themselves must make them harmless. Every page that shows them, as the people who
see it, must run none of it: no script of theirs, no event handler, no `javascript:` URL,
no frame, no attribute htmx would act on; their words still show. The API returns the
text as stored, in JSON nobody sniffs as HTML; the exports neutralise formulas and keep
HTML escaped but for the formatting subset.
"""

import csv
import io
import json
import re
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from cerego.tests.markup import Page, parse
from decks.models import Catalog, Flashcard
from decks.services.catalogs import catalog_create
from decks.services.exports import catalog_export_apkg
from decks.services.flashcards import catalog_flashcard_add, flashcard_create
from decks.tests.factories import FlashcardFactory, LanguageFactory
from quizzes.models import CardProgress, Quiz, QuizQuestion
from quizzes.services.quiz_types import quiz_types_seed
from quizzes.services.quizzes import quiz_answer_submit, quiz_create

pytestmark = pytest.mark.django_db

RTL = "\u202egnirts desrever\u202c"  # shows as "reversed string" backwards
HOSTILE_HTMX = "/logout/?hostile"  # htmx would post it as the page loads


def front(n: int) -> str:
    return f"<script>alert('front')</script><img src=x onerror=alert(1)>Front{n} {RTL}"


def back(n: int) -> str:
    return (
        f'<a href="javascript:alert(2)">Back{n}</a><svg onload=alert(3)></svg>'
        "</textarea></title></span>\"'><script>alert(4)</script> &amp;lt;b&amp;gt; &#60;i&#62;"
    )


def hint(n: int) -> str:
    return (
        f'<b onmouseover="alert(5)">Hint{n}</b><iframe src="javascript:alert(6)"></iframe>'
        f'<i hx-post="{HOSTILE_HTMX}" hx-trigger="load" data-hx-get="{HOSTILE_HTMX}">!</i>'
    )


CATALOG_NAME = "<script>alert('catalog')</script>Hostile<img src=x onerror=alert(7)>"
DESCRIPTION = '<a href=" javascript:alert(8)">Described</a><object data="javascript:x">'
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


@dataclass
class Hostile:
    owner: User
    learner: User  # another learner: the library, the share page
    staff: User
    public: Catalog
    unlisted: Catalog
    card: Flashcard  # typed through the services
    raw: Flashcard  # written past them
    cards: list[Flashcard]
    quiz: Quiz
    answered: int  # a question of `quiz` answered: its feedback


@pytest.fixture
def hostile() -> Hostile:
    owner, learner = UserFactory(username="owner"), UserFactory(username="learner")
    staff = UserFactory(username="staffer", is_admin=True, is_superuser=True)
    spanish = LanguageFactory(code="es", name="Spanish")
    quiz_types_seed()
    public, unlisted = (
        catalog_create(
            owner=owner,
            name=CATALOG_NAME,
            description=DESCRIPTION,
            visibility=visibility,
            language=spanish,
        )
        for visibility in (Catalog.Visibility.PUBLIC, Catalog.Visibility.UNLISTED)
    )
    typed = [
        flashcard_create(owner=owner, front=front(n), back=back(n), hint=hint(n), catalog=public)
        for n in range(2)
    ]
    raw: list[Flashcard] = [
        FlashcardFactory(owner=owner, language=spanish, front=front(n), back=back(n), hint=hint(n))
        for n in range(2, 4)
    ]
    for card in raw:
        catalog_flashcard_add(catalog=public, flashcard=card)
    cards = typed + raw
    for flashcard in cards:
        catalog_flashcard_add(catalog=unlisted, flashcard=flashcard)
    quiz = quiz_create(user=owner, catalog=public, size=4)
    questions = list(quiz.questions.order_by("position"))
    for question in questions[1:]:
        quiz_answer_submit(
            user=owner,
            quiz_id=quiz.pk,
            question_id=question.pk,
            answer=_an_answer(question),
            rating=1,
            response_ms=900,
        )
    CardProgress.objects.filter(user=owner).update(is_leech=True, lapses=8)
    return Hostile(
        owner, learner, staff, public, unlisted, typed[0], raw[0], cards, quiz, questions[1].pk
    )


def _an_answer(question: QuizQuestion) -> str:
    if question.quiz_type.code == "true_false":
        return "false"
    return question.choices[-1] if question.choices else "wrong"


def harmless(page: Page, where: str) -> None:
    ran = [script for script in page.scripts if script.runs and "alert" in script.text]
    assert ran == [], f"{where}: a script of the card's ran"
    assert page.handlers == [], f"{where}: event handlers from card text"
    assert page.script_urls == [], f"{where}: javascript: URLs from card text"
    assert not [a for a in page.htmx if HOSTILE_HTMX in a], f"{where}: htmx attributes"
    assert FORBIDDEN_TAGS.isdisjoint(page.tags), f"{where}: {FORBIDDEN_TAGS & set(page.tags)}"


Url = Callable[[Hostile], str]
# What each page must show of the hostile content (its words: the markup may be escaped,
# stripped or kept as harmless formatting), and who looks at it.
PAGES: dict[str, tuple[Url, str, tuple[str, ...]]] = {
    "catalog list": (lambda h: reverse("decks:catalog-list"), "owner", ("Hostile",)),
    "catalog": (
        lambda h: reverse("decks:catalog-detail", args=[h.public.pk]),
        "owner",
        ("Hostile", "Described", "Front0", "Back0", "gnirts desrever"),
    ),
    "catalog seen by another learner": (
        lambda h: reverse("decks:catalog-detail", args=[h.public.pk]),
        "learner",
        ("Hostile", "Front3", "Back3"),
    ),
    "library": (lambda h: reverse("decks:library"), "learner", ("Hostile", "Described")),
    "share page": (
        lambda h: reverse("decks:catalog-shared", args=[h.unlisted.share_token]),
        "learner",
        ("Hostile", "Front1", "Back1"),
    ),
    "sharing settings": (
        lambda h: reverse("decks:catalog-share", args=[h.public.pk]),
        "owner",
        ("Hostile",),
    ),
    "card sharing": (
        lambda h: reverse("decks:flashcard-share", args=[h.card.pk]),
        "owner",
        ("Front{n}",),
    ),
    "card edit": (
        lambda h: reverse("decks:card-edit", args=[h.public.pk, h.card.pk]),
        "owner",
        ("=front", "=back", "=hint"),  # in the form's fields, exactly as stored
    ),
    "card removal": (
        lambda h: reverse("decks:card-remove", args=[h.public.pk, h.card.pk]),
        "owner",
        ("Front{n}",),
    ),
    "catalog settings": (
        lambda h: reverse("decks:catalog-settings", args=[h.public.pk]),
        "owner",
        ("=name", "=description"),
    ),
    "study start": (
        lambda h: (
            reverse("study-catalog", args=[h.unlisted.pk]) + f"?share={h.unlisted.share_token}"
        ),
        "learner",
        ("Hostile",),
    ),
    "study session": (
        lambda h: reverse("study-session", args=[h.quiz.pk]),
        "owner",
        ("Question 1 of 4",),
    ),
    "feedback": (
        lambda h: reverse("study-session", args=[h.quiz.pk]) + f"?answered={h.answered}",
        "owner",
        ("Back",),
    ),
    "dashboard": (lambda h: reverse("home"), "owner", ("Hostile",)),
    "statistics": (lambda h: reverse("statistics"), "owner", ("Front", "Back")),
    "card history": (
        lambda h: reverse("card-detail", args=[h.card.pk]),
        "owner",
        ("Front{n}", "Back{n}", "gnirts desrever"),
    ),
    "import form": (lambda h: reverse("imports:new"), "owner", ("Hostile",)),
    # The fragments htmx swaps in, rendered by the same views.
    "duplicate warning (htmx)": (
        lambda h: (
            reverse("decks:catalog-detail", args=[h.public.pk])
            + "?"
            + urlencode({"front": h.card.front})
        ),
        "owner",
        ("Front{n}",),
    ),
    "card row (htmx)": (
        lambda h: reverse("decks:card-edit", args=[h.public.pk, h.card.pk]) + "?show=row",
        "owner",
        ("Front{n}", "Back{n}"),
    ),
    "card edit row (htmx)": (
        lambda h: reverse("decks:card-edit", args=[h.public.pk, h.card.pk]),
        "owner",
        ("=front", "=back", "=hint"),
    ),
    "library search (htmx)": (
        lambda h: reverse("decks:library") + "?search=Hostile",
        "learner",
        ("Hostile", "Described"),
    ),
    "admin card list": (
        lambda h: reverse("admin:decks_flashcard_changelist"),
        "staff",
        ("Front0", "Front3"),
    ),
    "admin card": (
        lambda h: reverse("admin:decks_flashcard_change", args=[h.card.pk]),
        "staff",
        ("=front", "=back", "=hint"),
    ),
    "admin card history": (
        lambda h: reverse("admin:decks_flashcard_history", args=[h.card.pk]),
        "staff",
        ("Front{n}",),
    ),
    "admin card deletion": (
        lambda h: reverse("admin:decks_flashcard_delete", args=[h.card.pk]),
        "staff",
        ("Front{n}",),
    ),
    "admin catalog list": (
        lambda h: reverse("admin:decks_catalog_changelist"),
        "staff",
        ("Hostile",),
    ),
    "admin catalog": (
        lambda h: reverse("admin:decks_catalog_change", args=[h.public.pk]),
        "staff",
        ("=name",),
    ),
    "admin audit trail": (
        lambda h: reverse("admin:accounts_auditevent_changelist"),
        "staff",
        (),
    ),
}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def expected(words: str, hostile: Hostile, number: int) -> str:
    """`Front{n}` with the card's number; `=back` the card's back as stored, `=name` the
    catalog's name."""
    if words.startswith("="):
        field = words[1:]
        return getattr(hostile.public if field in ("name", "description") else hostile.card, field)
    return words.format(n=number)


# Pages about one card, asked about a typed card and a raw one; the others show all four.
CARD_PAGES = {
    name
    for name, (_, _, shown) in PAGES.items()
    if any("{n}" in w or w in ("=front",) for w in shown)
}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        (name, kind)
        for name in PAGES
        for kind in (("typed", "raw") if name in CARD_PAGES else ("typed",))
    ],
)
def test_hostile_card_text_is_harmless_on_every_page(hostile, name, kind):
    url, who, shown = PAGES[name]
    number = 0 if kind == "typed" else 2
    hostile.card = hostile.cards[number]
    htmx = {"HTTP_HX_REQUEST": "true"} if name.endswith("(htmx)") else {}

    response = signed_in(getattr(hostile, who)).get(url(hostile), follow=True, **htmx)

    assert response.status_code == 200, response.content[:500]
    page = parse(response.content)
    harmless(page, f"{name}, {kind} card")
    for words in (expected(w, hostile, number) for w in shown):
        assert words in page.text or words in page.values, f"{name}: {words!r} not shown"


def test_the_study_session_shows_the_hostile_cards_words(hostile):
    """Each question shows a front or a back (the choices: backs), escaped or kept."""
    client = signed_in(hostile.owner)
    session = reverse("study-session", args=[hostile.quiz.pk])

    text = parse(client.get(session).content).text

    assert "Front" in text or "Back" in text


API: dict[str, Url] = {
    "cards": lambda h: reverse("flashcard-list"),
    "card": lambda h: reverse("flashcard-detail", args=[h.card.pk]),
    "catalog": lambda h: reverse("catalog-detail", args=[h.public.pk]),
    "catalog cards": lambda h: reverse("catalog-flashcards", args=[h.public.pk]),
    "quiz": lambda h: reverse("quiz-detail", args=[h.quiz.pk]),
    "my data": lambda h: reverse("api-account-export"),
}


@pytest.mark.parametrize("name", API)
def test_the_api_returns_hostile_text_as_stored_in_json(hostile, name):
    client = APIClient()
    client.force_authenticate(hostile.owner)

    response = client.get(API[name](hostile))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    strings = set(_strings(json.loads(body)))
    assert strings & stored_texts(hostile), strings


def stored_texts(hostile: Hostile) -> set[str]:
    cards = Flashcard.objects.filter(pk__in=[card.pk for card in hostile.cards])
    return {text for card in cards for text in (card.front, card.back, card.hint)} | {
        hostile.public.name
    }


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


HUNDRED_KB = "<b>" + "x" * 100_000 + "</b>"
TOO_LONG = re.compile(r"(at most|no more than) \d+ (are allowed|characters)")


@pytest.mark.parametrize("field", ["front", "back", "hint"])
def test_a_100_kb_card_text_is_refused_clearly_on_the_page(hostile, field):
    fields = {"front": "nuevo", "back": "new", "hint": ""} | {field: HUNDRED_KB}

    response = signed_in(hostile.owner).post(
        reverse("decks:catalog-detail", args=[hostile.public.pk]), fields
    )

    assert response.status_code == 400
    assert TOO_LONG.search(response.content.decode())
    harmless(parse(response.content), "the refusal")
    assert hostile.public.memberships.count() == 4


@pytest.mark.parametrize("field", ["front", "back", "hint"])
def test_a_100_kb_card_text_is_refused_clearly_by_the_api(hostile, field):
    client = APIClient()
    client.force_authenticate(hostile.owner)
    fields = {"front": "nuevo", "back": "new"} | {field: HUNDRED_KB}

    response = client.post(reverse("catalog-flashcards", args=[hostile.public.pk]), fields)

    assert response.status_code == 400
    assert TOO_LONG.search(json.dumps(response.json()))
    assert hostile.public.memberships.count() == 4


def test_a_100_kb_catalog_name_is_refused_clearly(hostile):
    client = APIClient()
    client.force_authenticate(hostile.owner)

    response = client.post(reverse("catalog-list"), {"name": "x" * 100_000})

    assert response.status_code == 400
    assert Catalog.objects.count() == 2


def test_the_csv_export_keeps_hostile_text_as_text_and_neutralises_formulas(hostile):
    flashcard_create(
        owner=hostile.owner,
        front='=HYPERLINK("http://evil.example","<b>click</b>")',
        back="+cmd|' /C calc'!A0",
        hint="@SUM(1)",
        catalog=hostile.public,
    )

    response = signed_in(hostile.learner).get(
        reverse("imports:export", args=[hostile.public.pk]) + "?format=csv"
    )

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode())))[1:]
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert [card.front for card in hostile.cards] == [row[0] for row in rows[:4]]


def test_the_anki_export_escapes_hostile_html(hostile):
    package = zipfile.ZipFile(io.BytesIO(catalog_export_apkg(catalog=hostile.public)))
    database = sqlite3.connect(":memory:")
    database.deserialize(package.read("collection.anki2"))
    fields = [row[0] for row in database.execute("SELECT flds FROM notes")]

    assert len(fields) == 4
    for number, note in enumerate(fields):
        harmless(parse(note.replace("\x1f", "<br>")), f"Anki note {number}")  # Anki shows HTML
    assert "&lt;script&gt;alert('front')&lt;/script&gt;" in fields[2]  # a raw card: escaped


def test_the_fragments_htmx_swaps_in_after_a_write_are_harmless(hostile):
    client = signed_in(hostile.owner)
    htmx = {"HTTP_HX_REQUEST": "true"}
    question = hostile.quiz.questions.order_by("position").first()
    assert question is not None

    added = client.post(
        reverse("decks:catalog-detail", args=[hostile.public.pk]),
        {"front": front(9), "back": back(9), "hint": hint(9)},
        **htmx,
    )
    answered = client.post(
        reverse("study-session", args=[hostile.quiz.pk]),
        {"question": question.pk, "answer": _an_answer(question), "rating": 1},
        **htmx,
    )

    for name, response in (("card added", added), ("answer feedback", answered)):
        assert response.status_code == 200
        harmless(parse(response.content), name)
    assert "Front9" in parse(added.content).text
    assert "Back" in parse(answered.content).text


def test_the_downloaded_data_holds_hostile_text_as_stored_in_a_json_attachment(hostile):
    response = signed_in(hostile.owner).post(
        reverse("account-export"), {"password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    strings = set(_strings(json.loads(b"".join(response.streaming_content))))
    assert stored_texts(hostile) <= strings
