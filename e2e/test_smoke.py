import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_loads_htmx_under_the_strict_csp(live_server, page: Page, console_errors):
    page.goto(live_server.url + "/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("typeof window.htmx") == "object"
    assert console_errors == []


def test_swagger_ui_renders_the_api_from_our_own_files(live_server, page: Page, console_errors):
    page.goto(live_server.url + "/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Cerego API")
    assert console_errors == []
