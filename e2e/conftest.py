"""Browser tests: Debian's Chromium driven by Playwright against a live server.

Required in CI; skipped on a machine without /usr/bin/chromium (never download a browser).
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; the live server's database
# access from the test itself is still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in item.nodeid.split("/")[0]:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


PHONE = {"width": 375, "height": 740}
# Every page here answers in milliseconds; a missing element should fail fast, not in 30 s.
ACTION_TIMEOUT_MS = 5_000


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context


def watch_console(page: Page, errors: list[str]) -> list[str]:
    """Collect every error the page logs (CSP violations included) into `errors`."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Every error the page logs; a test asserts it stays empty."""
    return watch_console(page, [])


@pytest.fixture
def open_page(browser: Browser, console_errors: list[str]) -> Iterator[Callable[..., Page]]:
    """A page in a browser context of its own (own cookies, viewport, JavaScript switch).

    Its console errors land in the same `console_errors` list as the main page's.
    """
    contexts: list[BrowserContext] = []

    def open_(**context_args) -> Page:
        context = browser.new_context(**context_args)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watch_console(page, console_errors)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot() -> Callable[[Page, str], None]:
    """Full-page screenshots for a human to look at, only when E2E_SCREENSHOT_DIR is set."""
    folder = os.environ.get("E2E_SCREENSHOT_DIR")

    def take(page: Page, name: str) -> None:
        if folder:
            width = page.viewport_size["width"] if page.viewport_size else 0
            slug = re.sub(r"[^a-z0-9]+", "-", f"{name}-{width}".lower())
            page.screenshot(path=Path(folder) / f"{slug}.png", full_page=True, caret="initial")

    return take
