"""The whole web journey of a new learner, from the waitlist to a second login."""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from quizzes.services.quiz_types import quiz_types_seed
from waitlist.models import WaitlistEntry
from waitlist.services import JOINED_MESSAGE
from waitlist.tests.helpers import invite_link

pytestmark = pytest.mark.django_db(transaction=True)

Shot = Callable[[Page, str], None]

EMAIL = "ada@example.com"
FIRST_PASSWORD = "analytical-engine-1843"
NEW_PASSWORD = "difference-engine-1822"
# Django's labels end in a colon; these tell "Password" from "Password again".
PASSWORD_LABEL = re.compile(r"^Password:?$")
NEW_PASSWORD_LABEL = re.compile(r"^New password:?$")


def join_the_waitlist_in_place(page: Page, url: str, shot: Shot) -> None:
    page.goto(url + "/")
    shot(page, "landing")
    form_region = page.locator("[aria-live]").filter(
        has=page.get_by_role("button", name="Join the waitlist")
    )
    # Both survive only if the answers are swapped in without a page load.
    form_region.evaluate("region => { window.joinRegion = region }")
    page.evaluate("window.neverReloaded = true")

    page.get_by_label("Email").fill("ada at example")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(form_region.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Email")).to_be_focused()
    shot(page, "landing-error")

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Name (optional)").fill("Ada")
    page.get_by_label("What would you like to learn?").fill("Bernoulli numbers")
    page.get_by_role("button", name="Join the waitlist").click()

    expect(page.get_by_text(JOINED_MESSAGE)).to_be_visible()
    shot(page, "landing-joined")
    # The live region the screen reader already knows now holds the answer: it is announced.
    assert page.evaluate("window.neverReloaded") is True
    assert page.evaluate("window.joinRegion.isConnected") is True
    assert page.evaluate("window.joinRegion.getAttribute('aria-live')") == "polite"
    assert page.evaluate("window.joinRegion.textContent.trim()") == JOINED_MESSAGE
    assert WaitlistEntry.objects.get().email == EMAIL


def staff_approves_and_invites(admin: Page, url: str, shot: Shot) -> None:
    UserFactory(username="staffer", is_admin=True, is_superuser=True)
    admin.goto(url + "/admin/")
    admin.get_by_label("Username").fill("staffer")
    admin.get_by_label("Password").fill(DEFAULT_PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.get_by_role("link", name="Waitlist entries").click()

    admin.get_by_role("row").filter(has_text=EMAIL).get_by_role("checkbox").check()
    admin.get_by_role("combobox", name="Action").select_option(label="Approve and send invite")
    admin.get_by_role("button", name="Run").click()

    expect(admin.get_by_text("Approved and invited 1 entry.")).to_be_visible()
    shot(admin, "admin-approved")


def register_from_the_invite(page: Page, url: str, link: str, shot: Shot) -> None:
    invite = urlsplit(link)
    page.goto(f"{url}{invite.path}?{invite.query}")
    expect(page.get_by_text(f"Your invite is for {EMAIL}")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(EMAIL)
    shot(page, "register")

    page.get_by_label("Username").fill("ada")
    page.get_by_label(PASSWORD_LABEL).fill("password")
    page.get_by_label("Password again").fill("password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("This password is too common.")).to_be_visible()
    expect(page.get_by_label(PASSWORD_LABEL)).to_be_focused()
    shot(page, "register-weak-password")
    assert not User.objects.filter(username="ada").exists()

    page.get_by_label(PASSWORD_LABEL).fill(FIRST_PASSWORD)
    page.get_by_label("Password again").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome to Cerego, ada!")
    expect(page.get_by_role("link", name="Your account: ada")).to_be_visible()
    shot(page, "registered")


def edit_learning_settings(page: Page, shot: Shot) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Learning settings")).to_be_visible()
    shot(page, "settings")
    page.get_by_label("Desired retention").fill("0.85")
    page.get_by_label("Daily new limit").fill("30")
    page.get_by_label("Time zone").fill("Europe/Paris")
    page.get_by_label("Theme").select_option(label="Dark")
    quiz_types = page.get_by_role("group", name="Preferred quiz types")
    quiz_types.get_by_label("Flip card").check()
    quiz_types.get_by_label("Typed answer", exact=True).check()
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_role("status")).to_contain_text("Your learning settings are saved.")
    expect(page.get_by_label("Daily new limit")).to_have_value("30")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    shot(page, "settings-saved")
    ada = User.objects.get(username="ada")
    saved = ada.study_settings
    assert (saved.desired_retention, saved.daily_new_limit, ada.settings.time_zone) == (
        0.85,
        30,
        "Europe/Paris",
    )
    assert {quiz_type.code for quiz_type in saved.preferred_quiz_types.all()} == {"flip", "typed"}


def change_password(page: Page, shot: Shot) -> None:
    page.get_by_role("link", name="Your account: ada").click()
    shot(page, "profile")
    page.get_by_role("link", name="Change your password").click()
    shot(page, "password-change")
    page.get_by_label("Old password").fill(FIRST_PASSWORD)
    page.get_by_label(NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    shot(page, "password-changed")


def log_out_and_in_again_with_the_email(page: Page, shot: Shot) -> None:
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Log out").click()
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(nav.get_by_role("link", name="Your account: ada")).to_have_count(0)

    nav.get_by_role("link", name="Log in").click()
    shot(page, "login")
    page.get_by_label("Username or email").fill(EMAIL)
    page.get_by_label("Password").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("do not match an account")).to_be_visible()
    shot(page, "login-error")

    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Welcome back, ada")).to_be_visible()
    shot(page, "home-signed-in")


def test_a_visitor_joins_is_invited_registers_and_manages_the_account(
    live_server, page: Page, open_page, mailoutbox, console_errors, screenshot
):
    quiz_types_seed()  # as `init_db` does on a new installation
    join_the_waitlist_in_place(page, live_server.url, screenshot)
    staff_approves_and_invites(open_page(), live_server.url, screenshot)
    assert [message.to for message in mailoutbox] == [[EMAIL]]

    register_from_the_invite(page, live_server.url, invite_link(mailoutbox[0]), screenshot)
    edit_learning_settings(page, screenshot)
    change_password(page, screenshot)
    log_out_and_in_again_with_the_email(page, screenshot)

    assert console_errors == []
