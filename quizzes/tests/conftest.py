import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from decks.models import Flashcard, Role
from decks.services.sharing import share_create
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, LanguageFactory
from quizzes.models import CardProgress, CardState, ReviewLog
from quizzes.selectors.settings import study_settings_of
from quizzes.services.quiz_types import quiz_types_seed

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning


@pytest.fixture
def quiz_types(db):
    quiz_types_seed()


@pytest.fixture
def spanish(db):
    return LanguageFactory(code="es", name="Spanish")


@pytest.fixture
def deck(learner, spanish, quiz_types):
    """The learner's Spanish catalog of 30 cards (palabra N → word N)."""
    catalog = CatalogFactory(owner=learner, language=spanish, name="Spanish basics")
    for n in range(30):
        CatalogFlashcardFactory(
            catalog=catalog,
            flashcard__front=f"palabra {n}",
            flashcard__back=f"word {n}",
            flashcard__language=spanish,
        )
    # Made long ago, so that offline reviews of the past are of cards that existed.
    Flashcard.objects.filter(memberships__catalog=catalog).update(
        created_at=START - timedelta(days=365)
    )
    return catalog


@pytest.fixture
def card(deck):
    return deck.memberships.order_by("id").first().flashcard


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(html: str) -> str:
    """The page as a person reads it: tags dropped, whitespace squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def progress(user, flashcard, *, stability, reviewed_days_ago, due, **fields):
    return CardProgress.objects.create(
        user=user,
        flashcard=flashcard,
        state=CardState.REVIEW,
        stability=stability,
        difficulty=5,
        last_review=START - timedelta(days=reviewed_days_ago),
        due=due,
        reps=4,
        **fields,
    )


def reviewed(user, flashcard, at, *, state=CardState.REVIEW):
    ReviewLog.objects.create(
        user=user,
        flashcard=flashcard,
        rating=3,
        reviewed_at=at,
        state_before={"state": state},
        state_after={},
    )


@pytest.fixture
def studied_deck(learner, deck):
    """Four of the 30 cards studied: two due now, one later today, one leech not due.

    Strengths: a card last reviewed as many days ago as its stability is at 90 %, one
    reviewed just now at 100 %.
    """
    cards = [m.flashcard for m in deck.memberships.order_by("id")]
    progress(learner, cards[0], stability=10, reviewed_days_ago=10, due=START - timedelta(hours=1))
    progress(learner, cards[1], stability=2, reviewed_days_ago=2, due=START - timedelta(days=1))
    progress(learner, cards[2], stability=40, reviewed_days_ago=0, due=START + timedelta(hours=5))
    progress(
        learner,
        cards[3],
        stability=0.5,
        reviewed_days_ago=0,
        due=START + timedelta(days=3),
        lapses=9,
        is_leech=True,
    )
    # Today: two reviews of learnt cards and one new card started; one review on each of
    # the two days before, so the streak is three days.
    for hours_ago, state in ((1, CardState.REVIEW), (2, CardState.REVIEW), (3, CardState.NEW)):
        reviewed(learner, cards[2], START - timedelta(hours=hours_ago), state=state)
    for days_ago in (1, 2):
        reviewed(learner, cards[3], START - timedelta(days=days_ago))
    return cards


@pytest.fixture
def teacher(db):
    return UserFactory(username="teacher")


@pytest.fixture
def shared_deck(learner, teacher, spanish, quiz_types):
    """A teacher's private catalog of five cards, shared with the learner, who studied them
    all before START: three are due now, two in two days (in the forecast)."""
    catalog = CatalogFactory(owner=teacher, language=spanish, name="Verbs")
    share_create(shared=catalog, user_ref=learner.username, role=Role.VIEWER, by=teacher)
    for n in range(5):
        card = CatalogFlashcardFactory(
            catalog=catalog, flashcard__front=f"verbo {n}", flashcard__language=spanish
        ).flashcard
        due = START - timedelta(hours=1) if n < 3 else START + timedelta(days=2)
        progress(learner, card, stability=3, reviewed_days_ago=3, due=due)
        reviewed(learner, card, START - timedelta(days=3))
    return catalog


def large_collection(learner, spanish, size):
    """test_query_counts' collection of `size` cards, five of them leeches."""
    from quizzes.tests.test_query_counts import collection

    catalog = collection(learner, spanish, size)
    leeches = CardProgress.objects.filter(user=learner).order_by("id").values_list("id", flat=True)
    CardProgress.objects.filter(id__in=list(leeches[:5])).update(is_leech=True, lapses=8)
    study_settings_of(learner)  # a returning learner's settings exist already
    return catalog
