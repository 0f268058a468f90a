"""The statistics page and a card's detail page: what they show, to whom, at what cost."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import UserFactory
from decks.models import Catalog
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory
from quizzes import memory
from quizzes.models import QuizType, Rating, ReviewLog
from quizzes.tests.conftest import START, large_collection, signed_in, text_of

pytestmark = pytest.mark.django_db

STATISTICS = reverse("statistics")
NOW = START  # Monday 2 March 2026, 09:00 UTC (studied_deck)


def card_page(flashcard) -> str:
    return reverse("card-detail", args=[flashcard.pk])


@time_machine.travel(NOW, tick=False)
def test_statistics_show_the_memory_strength_and_the_review_calendar(learner, studied_deck):
    html = signed_in(learner).get(STATISTICS).content.decode()
    page = text_of(html)

    assert "All your catalogs: 4 studied cards" in page
    assert "Average: 95 %" in page
    assert "Building 1, Level 1 1, Level 2 1, Level 3 1" in page
    assert "90–100 % 4" in page
    # Three reviews today, one on each of the two days before.
    assert "5 reviews on 3 days of the last 365; the busiest was 2 March 2026 with 3" in page
    assert "February 2026 1" in page
    assert "March 2026 4" in page
    assert "<svg" in html
    assert html.count('<rect class="heat-') == 365
    assert '<rect class="heat-4"' in html  # the busiest day
    assert "Mon 2 Mar 2026: 3 reviews" in html
    assert (
        " style=" not in html
    )  # the calendar is coloured by classes: the CSP allows no inline style


@time_machine.travel(NOW, tick=False)
def test_statistics_show_the_forecast_and_retention_against_the_goal(learner, studied_deck):
    page = text_of(signed_in(learner).get(STATISTICS).content.decode())

    assert "3 cards due today" in page
    assert "Mon 2 Mar 3" in page  # two overdue, one later today
    assert "Thu 5 Mar 1" in page  # the leech, in three days
    assert "against the retention you asked for (90 %" in page
    assert "23 Feb 2026 2 2 100 %" in page
    assert "2 Mar 2026 2 2 100 %" in page


@time_machine.travel(NOW, tick=False)
def test_statistics_show_each_catalog_and_the_decay_without_study(learner, deck, studied_deck):
    html = signed_in(learner).get(STATISTICS).content.decode()
    page = text_of(html)

    # 0.9 + 0.9 + 1 + 1 remembered of 30 cards (26 of them new).
    assert "Spanish basics 30 4 13 %" in page
    assert f'href="?catalog={deck.pk}"' in html
    decay = memory.decay_of(memory.DEFAULT_PARAMETERS)
    in_a_week = sum(
        memory.forgetting_curve(elapsed + 7, stability=stability, decay=decay)
        for elapsed, stability in ((10, 10), (2, 2), (0, 40), (0, 0.5))
    )
    assert f"from 95.0 % today to {round(100 * in_a_week / 4, 1)} % in a week" in page
    for chart in ("strength", "forecast", "retention", "catalog", "prediction"):
        assert f'<canvas data-chart="{chart}-chart" aria-hidden="true">' in html
        assert f'<script id="{chart}-chart" type="application/json">' in html
    leech = studied_deck[3]
    assert f'href="{card_page(leech)}"' in html


@time_machine.travel(NOW, tick=False)
def test_statistics_for_one_catalog_leave_the_others_out(learner, deck, studied_deck, spanish):
    other = CatalogFactory(owner=learner, language=spanish, name="Verbs")
    CatalogFlashcardFactory(catalog=other, flashcard__language=spanish)
    client = signed_in(learner)

    html = client.get(STATISTICS, {"catalog": other.pk}).content.decode()
    page = text_of(html)

    assert "The catalog Verbs: 0 studied cards" in page
    assert f'<option value="{other.pk}" selected>Verbs</option>' in html
    assert "Verbs 1 0 0 %" in page
    assert "Spanish basics 30" not in page
    assert "No studied cards in Verbs yet" in page
    assert "0 reviews on 0 days" in page
    # An empty choice is the whole collection again.
    assert "All your catalogs" in client.get(STATISTICS, {"catalog": ""}).content.decode()


@pytest.mark.parametrize("catalog", ["abc", "٣", "-1", "99999999999999999999999"])
def test_statistics_of_a_catalog_that_is_not_one_are_not_found(learner, catalog):
    assert signed_in(learner).get(STATISTICS, {"catalog": catalog}).status_code == 404


def test_statistics_of_someone_elses_private_catalog_are_not_found(learner):
    private = CatalogFactory(owner=UserFactory(), visibility=Catalog.Visibility.PRIVATE)

    assert signed_in(learner).get(STATISTICS, {"catalog": private.pk}).status_code == 404


def test_a_new_learner_sees_what_each_statistic_needs(learner):
    page = text_of(signed_in(learner).get(STATISTICS).content.decode())

    assert "Average: 0 %" in page
    assert "0 reviews on 0 days of the last 365." in page
    assert "No reviews of learnt cards in the last year yet" in page
    assert "No catalogs yet" in page
    assert "No studied cards yet, so nothing to forget" in page
    assert "No leeches" in page


def test_statistics_need_a_signed_in_learner(client):
    response = client.get(STATISTICS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Card detail


@pytest.fixture
def history(learner, studied_deck):
    """The first card's two reviews: a flip graded Good, then an imported one graded Hard."""
    card = studied_deck[0]
    flip = QuizType.objects.get(code="flip")
    for at, rating, quiz_type, source, interval in (
        (NOW - timedelta(days=4), Rating.GOOD, flip, ReviewLog.Source.QUIZ, timedelta(days=3)),
        (NOW - timedelta(days=1), Rating.HARD, None, ReviewLog.Source.IMPORT, timedelta(hours=5)),
    ):
        ReviewLog.objects.create(
            user=learner,
            flashcard=card,
            rating=rating,
            quiz_type=quiz_type,
            source=source,
            reviewed_at=at,
            state_before={"state": 2},
            state_after={"stability": 3.0, "due": (at + interval).isoformat()},
        )
    return card


@time_machine.travel(NOW, tick=False)
def test_a_card_shows_its_review_history_and_memory_curve(learner, history):
    html = signed_in(learner).get(card_page(history)).content.decode()
    page = text_of(html)

    assert f"{history.front} {history.back} · Spanish" in page
    assert "Memory strength 90 %" in page
    assert "Level Level 2" in page
    assert "Next review 2 Mar 2026, 08:00" in page
    assert "26 Feb 2026, 09:00 Flip card Good 3 days" in page
    assert "1 Mar 2026, 09:00 Imported history Hard 5 hours" in page
    assert '<canvas data-chart="curve-chart" aria-hidden="true">' in html
    assert "Table: memory strength over time" in page
    assert "26 Feb 2026, 09:00 100 %" in page  # right after the first review


@time_machine.travel(NOW, tick=False)
def test_a_card_shows_times_on_the_learners_own_clock(learner, history):
    learner.settings.time_zone = "Asia/Tokyo"
    learner.settings.save()

    page = text_of(signed_in(learner).get(card_page(history)).content.decode())

    assert "26 Feb 2026, 18:00 Flip card Good" in page


def test_a_card_never_studied_says_so(learner, deck):
    card = deck.memberships.first().flashcard

    page = text_of(signed_in(learner).get(card_page(card)).content.decode())

    assert "You have not studied this card yet" in page
    assert "This card has not been reviewed yet" in page


def test_someone_elses_private_card_is_not_found(learner, deck):
    stranger = UserFactory()

    assert signed_in(stranger).get(card_page(deck.memberships.first().flashcard)).status_code == 404
    assert signed_in(stranger).get(reverse("card-detail", args=[999_999])).status_code == 404


# What the pages cost


@pytest.mark.parametrize("size", [100, 10_000])
def test_statistics_cost_a_handful_of_queries_whatever_the_collection(
    learner, spanish, quiz_types, django_assert_max_num_queries, size
):
    catalog = large_collection(learner, spanish, size)
    client = signed_in(learner)

    with django_assert_max_num_queries(30):
        whole = client.get(STATISTICS)
    with django_assert_max_num_queries(30):
        one = client.get(STATISTICS, {"catalog": catalog.pk})

    assert f"{size * 9 // 10} studied cards" in text_of(whole.content.decode())
    assert f"{size * 9 // 10} studied cards" in text_of(one.content.decode())


@pytest.mark.parametrize("size", [100, 10_000])
def test_a_card_page_costs_a_handful_of_queries_whatever_the_collection(
    learner, spanish, quiz_types, django_assert_max_num_queries, size
):
    catalog = large_collection(learner, spanish, size)
    card = catalog.memberships.order_by("id").first().flashcard
    client = signed_in(learner)

    with django_assert_max_num_queries(8):
        response = client.get(card_page(card))

    assert "Review history" in response.content.decode()
