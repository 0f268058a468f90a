"""The dashboard, statistics and card pages in a real browser: charts drawn under the CSP,
in the light and the dark theme."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, LanguageFactory
from quizzes.models import CardProgress, CardState, ReviewLog
from quizzes.services.quiz_types import quiz_types_seed

pytestmark = pytest.mark.django_db(transaction=True)

DASHBOARD_CHARTS = ["strength-chart"]
STATISTICS_CHARTS = [
    "strength-chart",
    "forecast-chart",
    "retention-chart",
    "catalog-chart",
    "prediction-chart",
]


def studying_learner(theme: str):
    """A learner a few weeks into a Spanish catalog: twelve cards studied, two of them
    leeches, reviews on most of the last 40 days."""
    quiz_types_seed()
    learner = UserFactory(username="lucia")
    learner.settings.theme = theme
    learner.settings.save()
    spanish = LanguageFactory(code="es", name="Spanish")
    catalog = CatalogFactory(owner=learner, language=spanish, name="Spanish basics")
    now = timezone.now()
    for n in range(20):
        card = CatalogFlashcardFactory(
            catalog=catalog,
            flashcard__front=f"palabra {n}",
            flashcard__back=f"word {n}",
            flashcard__language=spanish,
        ).flashcard
        if n >= 12:
            continue
        CardProgress.objects.create(
            user=learner,
            flashcard=card,
            state=CardState.REVIEW,
            stability=1 + 3 * n,
            difficulty=5,
            last_review=now - timedelta(days=n),
            due=now + timedelta(days=2 * n - 8),
            reps=3 + n,
            lapses=9 if n < 2 else 1,
            is_leech=n < 2,
        )
        for day in range(0, 40, 1 + n % 3):
            ReviewLog.objects.create(
                user=learner,
                flashcard=card,
                rating=1 if (day + n) % 5 == 0 else 3,
                reviewed_at=now - timedelta(days=day, hours=1),
                state_before={"state": CardState.REVIEW},
                state_after={
                    "stability": 1.0 + day,
                    "due": (now - timedelta(days=day)).isoformat(),
                },
            )
    return learner


def signed_in_page(open_page, live_server, user, **context_args) -> Page:
    """A page with the user's session (the login form has its own tests)."""
    client = Client()
    client.force_login(user)
    page = open_page(base_url=live_server.url, **context_args)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def assert_charts_drawn(page: Page, charts: list[str]) -> None:
    for chart in charts:
        canvas = page.locator(f'canvas[data-chart="{chart}"]')
        expect(canvas).to_be_visible()
        box = canvas.bounding_box()
        assert box is not None, chart
        assert box["width"] > 0, chart
        assert box["height"] > 0, chart
        drawn = "canvas => typeof Chart !== 'undefined' && Chart.getChart(canvas) !== undefined"
        assert canvas.evaluate(drawn), f"{chart} was not drawn"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_dashboard_statistics_and_card_pages_draw_their_charts(
    live_server, open_page, console_errors, screenshot, theme
):
    learner = studying_learner(theme)
    page = signed_in_page(open_page, live_server, learner)

    page.goto("/")
    expect(page.get_by_role("heading", name="Welcome back, lucia")).to_be_visible()
    expect(page.get_by_role("button", name="Study now")).to_be_visible()
    expect(page.get_by_text("days in a row")).to_be_visible()
    if theme == "dark":
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert_charts_drawn(page, DASHBOARD_CHARTS)
    screenshot(page, f"dashboard-{theme}")

    page.get_by_role("link", name="Statistics", exact=True).click()
    expect(page.get_by_role("heading", name="Statistics", level=1)).to_be_visible()
    assert_charts_drawn(page, STATISTICS_CHARTS)
    calendar = page.get_by_role("img", name="Reviews per day over the last year")
    expect(calendar).to_be_visible()
    # The calendar's empty days take the theme's colour from the stylesheet.
    empty_day = page.locator("svg rect.heat-0").first
    fill = empty_day.evaluate("rect => getComputedStyle(rect).fill")
    assert fill == ("rgb(42, 47, 56)" if theme == "dark" else "rgb(235, 237, 240)")
    screenshot(page, f"statistics-{theme}")

    page.get_by_role("link", name="palabra 0 — word 0").click()
    expect(page.get_by_role("heading", name="palabra 0", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Review history")).to_be_visible()
    assert_charts_drawn(page, ["curve-chart"])
    screenshot(page, f"card-detail-{theme}")

    assert console_errors == []


def test_a_statistics_catalog_is_chosen_without_javascript(live_server, open_page, console_errors):
    learner = studying_learner("light")
    page = signed_in_page(open_page, live_server, learner, java_script_enabled=False)

    page.goto("/statistics/")
    page.get_by_label("Show").select_option(label="Spanish basics")
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_text("The catalog Spanish basics: 12 studied cards")).to_be_visible()
    assert console_errors == []
