"""Helpers of the catalogs/flashcards browser tests: signed-in pages, screenshots, layout."""

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from playwright.sync_api import ConsoleMessage, Page, Response

from accounts.models import User

FAILED_RESOURCE = "Failed to load resource: the server responded with a status of"
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


class Visitors:
    """Browser pages signed in as given users (one context each, so one session each),
    collecting every console error any of them logs; CSP violations are console errors.

    Chromium also logs "Failed to load resource" for every 4xx answer, including the 400 of
    a form with errors that HTMX swaps in on purpose. Those answers are kept apart, precisely,
    in `failed_responses`, so a test says which ones it expects.
    """

    def __init__(self, new_context: Any, base_url: str) -> None:
        self.new_context = new_context
        self.base_url = base_url
        self.errors: list[str] = []
        self.failed_responses: list[tuple[int, str, str]] = []

    def page_for(self, user: User, **context_args: Any) -> Page:
        # The login form has its own tests; a forced session is enough (and fast) here.
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context = self.new_context(base_url=self.base_url, **context_args)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": self.base_url}]
        )
        context.set_default_timeout(5000)  # a local server answers in milliseconds
        page = context.new_page()
        self.watch(page)
        return page

    def watch(self, page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and not message.text.startswith(FAILED_RESOURCE):
                self.errors.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            path = urlsplit(response.url).path
            self.failed_responses.append((response.status, response.request.method, path))


def shoot(page: Page, name: str) -> None:
    """A full-page screenshot into $E2E_SCREENSHOT_DIR, when set, to look at the pages."""
    folder = os.environ.get("E2E_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def scrolls_sideways(page: Page) -> bool:
    """Whether the page itself scrolls horizontally (a table may scroll in its wrapper).

    Compared with the configured viewport, not `innerWidth`: a mobile browser widens its
    layout viewport (zooming out) to fit content that overflows, and so would `innerWidth`.
    """
    viewport = page.viewport_size
    assert viewport is not None
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return max(width) > viewport["width"]


def stays_in_place(page: Page) -> None:
    """Mark the document: a full reload (rather than an HTMX swap) loses the mark."""
    page.evaluate("window.notReloaded = true")


def was_not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("window.notReloaded === true"))
