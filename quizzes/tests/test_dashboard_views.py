"""The dashboard: the signed-in home page, what it shows and what it costs."""

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import UserFactory
from decks.models import Catalog
from decks.services.catalogs import catalog_update
from decks.services.sharing import share_revoke
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory
from quizzes.tests.conftest import START, large_collection, signed_in, text_of

pytestmark = pytest.mark.django_db

HOME = reverse("home")
NOW = START  # Monday 09:00 UTC; the learner's study day runs 04:00 to 04:00 UTC (studied_deck)


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_shows_what_is_due_the_streak_and_todays_limits(learner, studied_deck):
    page = text_of(signed_in(learner).get(HOME).content.decode())

    assert f"Welcome back, {learner.username}" in page
    assert "2 cards due now" in page
    assert "1 more later today" in page
    assert "19 new cards ready to learn" in page  # 20 a day, one started today
    assert "3 days in a row" in page
    assert "3 reviews so far" in page
    assert "Reviews: 2 of 200 a day" in page
    assert "New cards: 1 of 20 a day" in page


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_shows_memory_strength_at_a_glance(learner, studied_deck):
    html = signed_in(learner).get(HOME).content.decode()
    page = text_of(html)

    assert "95 % on average" in page  # (90 + 90 + 100 + 100) / 4
    for level in ("Building: 1 card", "Level 1: 1 card", "Level 2: 1 card", "Level 3: 1 card"):
        assert level in page
    assert "90–100 % 4" in page  # the distribution's table
    assert 'data-chart="strength-chart"' in html
    assert '<script id="strength-chart" type="application/json">' in html
    assert "/static/js/charts.js" in html


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_lists_leeches_and_catalogs_with_study_buttons(learner, deck, studied_deck):
    html = signed_in(learner).get(HOME).content.decode()
    page = text_of(html)

    leech = studied_deck[3]
    assert f'href="/cards/{leech.pk}/"' in html
    assert f"{leech.front} — {leech.back}" in page
    assert "forgotten 9 times · memory strength 100 %" in page
    # The catalog: 30 cards, 2 due, its average counts the 26 new cards as 0 (380 / 30).
    assert "Spanish basics 30 2 13 %" in page
    assert f'action="{reverse("study-catalog", args=[deck.pk])}"' in html
    assert html.count(f'action="{reverse("study-all")}"') == 1
    assert "Study now" in page


def test_a_new_account_is_shown_what_to_do_first(learner):
    html = signed_in(learner).get(HOME).content.decode()

    assert "Start with some cards" in html
    assert f'href="{reverse("decks:catalog-create")}"' in html
    assert f'href="{reverse("imports:new")}"' in html
    assert f'href="{reverse("decks:library")}"' in html
    assert "Study now" not in html


def test_an_empty_catalog_still_leaves_the_first_steps_in_view(learner):
    CatalogFactory(owner=learner, name="Empty for now")

    assert "Start with some cards" in signed_in(learner).get(HOME).content.decode()


def test_a_catalog_copied_from_the_library_ends_the_first_steps(learner, spanish):
    catalog = CatalogFactory(owner=learner, language=spanish, name="Copied")
    CatalogFlashcardFactory(catalog=catalog, flashcard__language=spanish)

    page = text_of(signed_in(learner).get(HOME).content.decode())

    assert "Start with some cards" not in page
    assert "0 cards due now" in page
    assert "1 new card ready to learn" in page
    assert "No leeches" in page
    assert "Copied 1 0 0 %" in page


@time_machine.travel(NOW, tick=False)
def test_another_learners_progress_never_shows(learner, deck, studied_deck):
    stranger = UserFactory()

    page = text_of(signed_in(stranger).get(HOME).content.decode())

    assert "Start with some cards" in page
    assert studied_deck[3].front not in page
    assert "Spanish basics" not in page


def test_visitors_get_the_landing_page_and_the_nav_names_the_dashboard(client, learner):
    assert "Join the waitlist" in client.get(HOME).content.decode()

    html = signed_in(learner).get(HOME).content.decode()
    assert f'<a href="{HOME}" aria-current="page">Dashboard</a>' in html
    assert f'href="{reverse("statistics")}"' in html


@pytest.mark.parametrize("size", [100, 10_000])
def test_the_dashboard_costs_a_handful_of_queries_whatever_the_collection(
    learner, spanish, quiz_types, django_assert_max_num_queries, size
):
    large_collection(learner, spanish, size)
    client = signed_in(learner)

    with django_assert_max_num_queries(22):
        response = client.get(HOME)

    assert "due now" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_cards_of_a_revoked_share_are_not_shown_due_until_visible_again(
    learner, deck, teacher, shared_deck
):
    client = signed_in(learner)
    assert "3 cards due now" in text_of(client.get(HOME).content.decode())

    share_revoke(share=shared_deck.shares.get(user=learner), by=teacher)

    page = text_of(client.get(HOME).content.decode())
    assert "0 cards due now" in page
    assert "Verbs" not in page  # no longer in the collection
    assert "Spanish basics 30 0 0 %" in page

    catalog_update(catalog=shared_deck, visibility=Catalog.Visibility.PUBLIC, by=teacher)

    assert "3 cards due now" in text_of(client.get(HOME).content.decode())
