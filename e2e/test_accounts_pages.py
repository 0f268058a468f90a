"""Account pages as a person meets them: lockout, no JavaScript, a phone screen."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from e2e.conftest import PHONE
from quizzes.services.quiz_types import quiz_types_seed
from waitlist.models import WaitlistEntry
from waitlist.services import JOINED_MESSAGE, waitlist_invite_issue
from waitlist.tests.factories import WaitlistEntryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def try_to_log_in(page: Page, login: str, password: str) -> None:
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(
    live_server, page: Page, console_errors, screenshot
):
    UserFactory(username="grace", email="grace@example.com")
    page.goto(live_server.url + "/login/")

    for attempt in range(4):
        try_to_log_in(page, "grace", f"wrong-{attempt}")
        expect(page.get_by_text("do not match an account")).to_be_visible()
    try_to_log_in(page, "grace@example.com", "wrong-4")

    alert = page.get_by_role("alert")
    expect(alert.get_by_role("heading", name="Too many failed attempts")).to_be_visible()
    expect(alert).to_contain_text("this account is locked for 15 minutes")
    screenshot(page, "locked-out")

    page.get_by_role("link", name="Back to the login page").click()
    try_to_log_in(page, "Grace", DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="Too many failed attempts")).to_be_visible()
    expect(page.get_by_role("link", name="Reset it by email")).to_be_visible()
    # The locked-out page is answered with 429, which the browser logs; nothing else may be.
    assert [error for error in console_errors if "status of 429" not in error] == []


def test_joining_the_waitlist_works_without_javascript(
    live_server, open_page, console_errors, screenshot
):
    page = open_page(java_script_enabled=False)
    page.goto(live_server.url + "/")

    page.get_by_label("Email").fill("nojs@example.com")
    page.get_by_role("button", name="Join the waitlist").click()

    expect(page.get_by_role("status")).to_have_text(JOINED_MESSAGE)
    assert page.url == live_server.url + "/"
    assert WaitlistEntry.objects.get().email == "nojs@example.com"
    screenshot(page, "landing-joined-no-js")
    assert console_errors == []


def invite_path() -> str:
    entry = WaitlistEntryFactory(status=WaitlistEntry.Status.APPROVED)
    issued = waitlist_invite_issue(entry_id=entry.pk)
    assert issued is not None
    return f"/register/?token={issued[1]}"


# The fullest nav there is: staff see "Admin" too, and usernames may be long.
LONG_USERNAME = "margaret.heafield.hamilton.apollo"


def sign_in_as_staff(page: Page, url: str) -> None:
    UserFactory(username=LONG_USERNAME, is_admin=True)
    page.goto(url + "/login/")
    try_to_log_in(page, LONG_USERNAME, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name=f"Welcome back, {LONG_USERNAME}")).to_be_visible()


def assert_fits_the_screen(page: Page, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow} px"
    controls = page.get_by_role("navigation", name="Main").locator("a, button")
    assert controls.count() > 1
    for control in controls.all():
        expect(control).to_be_visible()
        box = control.bounding_box()
        assert box is not None
        # Inside the screen and big enough to tap (WCAG 2.2 target size, 24 px).
        assert box["x"] >= 0, (name, control)
        assert box["x"] + box["width"] <= PHONE["width"], (name, control)
        assert box["height"] >= 24, (name, control)


def assert_every_field_is_labelled(page: Page, name: str) -> None:
    unlabelled = page.locator("input:not([type=hidden]), select, textarea").evaluate_all(
        "fields => fields.filter(f => !f.labels.length && !f.ariaLabel).map(f => f.name)"
    )
    assert unlabelled == [], f"{name} has fields without a label: {unlabelled}"


def check_on_a_phone(page: Page, url: str, pages: dict[str, str], shot) -> None:
    for name, path in pages.items():
        page.goto(url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_fits_the_screen(page, name)
        assert_every_field_is_labelled(page, name)
        shot(page, f"{name}-phone")


def test_a_strangers_pages_fit_a_phone_screen_and_the_nav_works(
    live_server, open_page, console_errors, screenshot
):
    page = open_page(viewport=PHONE)
    pages = {
        "landing": "/",
        "login": "/login/",
        "register": invite_path(),
        "register-bad-invite": "/register/?token=expired-or-made-up",
        "password-reset": "/password/reset/",
    }

    check_on_a_phone(page, live_server.url, pages, screenshot)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert console_errors == []


def test_a_signed_in_staff_members_pages_fit_a_phone_screen_and_the_nav_works(
    live_server, open_page, console_errors, screenshot
):
    quiz_types_seed()  # the settings page lists them as checkboxes
    page = open_page(viewport=PHONE)
    sign_in_as_staff(page, live_server.url)
    pages = {
        "home-signed-in": "/",
        "settings": "/settings/",
        "profile": "/account/",
        "password-change": "/password/change/",
    }

    check_on_a_phone(page, live_server.url, pages, screenshot)

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Learning settings")).to_be_visible()
    nav.get_by_role("button", name="Log out").click()
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    assert console_errors == []


def test_keyboard_users_can_skip_the_nav_and_tab_through_a_form_in_order(
    live_server, page: Page, console_errors, screenshot
):
    page.goto(live_server.url + invite_path())

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["width"] > 20, "the focused skip link must show, not stay a 1-pixel dot"
    assert box["height"] > 10
    screenshot(page, "skip-link-focused")

    page.keyboard.press("Enter")
    for field in [
        page.get_by_label("Username"),
        page.get_by_label("Email"),
        page.get_by_label(re.compile(r"^Password:?$")),
        page.get_by_label("Password again"),
        page.get_by_role("button", name="Create account"),
        page.get_by_role("main").get_by_role("link", name="Log in"),
    ]:
        page.keyboard.press("Tab")
        expect(field).to_be_focused()
    assert console_errors == []


def reset_link(message) -> str:
    match = re.search(r"https?://\S+(/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_locked_out_person_resets_the_password_by_mail_and_gets_back_in(
    live_server, page: Page, mailoutbox, console_errors, screenshot
):
    UserFactory(username="grace", email="grace@example.com")
    page.goto(live_server.url + "/login/")
    for attempt in range(5):
        try_to_log_in(page, "grace", f"wrong-{attempt}")
    expect(page.get_by_role("heading", name="Too many failed attempts")).to_be_visible()

    page.get_by_role("link", name="Reset it by email").click()
    screenshot(page, "password-reset")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    assert [message.to for message in mailoutbox] == [["grace@example.com"]]

    page.goto(live_server.url + reset_link(mailoutbox[0]))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    screenshot(page, "password-reset-confirm")
    page.get_by_label(re.compile(r"^New password:?$")).fill("hopper-cobol-1959")
    page.get_by_label("New password confirmation").fill("hopper-cobol-1959")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_role("heading", name="Your password is reset")).to_be_visible()

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    try_to_log_in(page, "grace", "hopper-cobol-1959")
    expect(page.get_by_role("heading", name="Welcome back, grace")).to_be_visible()
    assert [error for error in console_errors if "status of 429" not in error] == []


def test_a_page_behind_the_login_comes_back_after_logging_in(
    live_server, page: Page, console_errors
):
    UserFactory(username="katherine")
    page.goto(live_server.url + "/settings/")

    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    try_to_log_in(page, "katherine", DEFAULT_PASSWORD)

    expect(page.get_by_role("heading", name="Learning settings")).to_be_visible()
    assert page.url == live_server.url + "/settings/"
    assert console_errors == []
