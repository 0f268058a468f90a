"""The whole web journey of a new learner: from the waitlist through a day of study to a
second login, and what another learner cannot see of it."""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from decks.models import Catalog
from decks.services.languages import languages_seed
from quizzes.models import Quiz, QuizQuestion
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


FIRST_WORDS = [("gato", "cat"), ("perro", "dog"), ("caballo", "horse")]
MORE_WORDS = [("conejo", "rabbit"), ("tortuga", "turtle")]


def add_card(page: Page, front: str, back: str) -> None:
    form = page.locator("#add-card")
    form.get_by_label("Front").fill(front)
    form.get_by_label("Back").fill(back)
    form.get_by_role("button", name="Add").click()
    expect(page.locator("#card-rows")).to_contain_text(front)
    # Focus back on Front is HTMX's last settling step: before it the new form is not wired
    # yet, and what is typed into it would not ask for the duplicate warning.
    expect(form.get_by_label("Front")).to_be_focused()


def build_a_catalog(page: Page, shot: Shot) -> Catalog:
    expect(page.get_by_role("heading", name="Start with some cards")).to_be_visible()
    shot(page, "dashboard-new-account")
    page.get_by_role("button", name="New catalog").click()  # a link styled as a button
    page.get_by_label("Name").fill("Spanish animals")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spanish animals")

    for front, back in FIRST_WORDS:
        add_card(page, front, back)
    expect(page.locator("#card-count")).to_have_text("3 cards")
    page.locator("#add-card").get_by_label("Front").fill("Gato")
    expect(page.locator("#duplicate-warning")).to_contain_text("“gato” is already in this catalog")
    shot(page, "catalog-duplicate-warning")
    page.locator("#add-card").get_by_label("Front").fill("")
    return Catalog.objects.get(name="Spanish animals")


def current_question(user: User) -> QuizQuestion:
    quiz = Quiz.objects.get(user=user, completed_at__isnull=True)
    return quiz.questions.select_related("quiz_type").filter(answered_at__isnull=True).first()


def answer_with_the_keyboard(page: Page, user: User, *, right: bool, typo: bool = False) -> str:
    """Answer the question on screen, right or wrong, without the mouse; its quiz type."""
    expect(page.locator("#question-heading")).to_be_visible()
    question = current_question(user)
    code = question.quiz_type.code
    if code == "true_false":
        says_true = question.expected_answer == "true"
        page.keyboard.press("1" if says_true == right else "2")
    elif code in ("multiple_choice", "reverse_choice"):
        choices = question.choices
        index = next(i for i, c in enumerate(choices) if (c == question.expected_answer) == right)
        page.keyboard.press("abcd"[index])
    elif code in ("typed", "reverse_typed"):
        expect(page.locator("#study-answer-input")).to_be_focused()
        expected = question.expected_answer
        given = expected if right else "no idea"
        if typo:
            given = expected[:-1] + "x" + expected[-1:]
        page.keyboard.type(given)
        page.keyboard.press("Enter")
    else:  # flip
        page.keyboard.press(" ")
        page.keyboard.press("3" if right else "1")
    heading = page.locator("#feedback-heading")
    if typo:
        expect(heading).to_have_text("Right, with a typo")
        expect(page.locator(".study-diff ins").first).to_be_visible()
    elif code != "flip":
        expect(heading).to_have_text("Right!" if right else "Not quite")
    expect(page.locator(".study-memory")).to_contain_text("Memory strength")
    return code


def study_a_session(page: Page, user: User, shot: Shot, name: str, *, first: dict) -> list[str]:
    """Every question of the session from the keyboard: the first one as `first` says
    (wrong, or right with a typo), the others right. The quiz types asked."""
    codes = []
    while True:
        how = first if not codes else {"right": True}
        codes.append(answer_with_the_keyboard(page, user, **how))
        if len(codes) == 1:
            shot(page, f"{name}-feedback")
        next_button = page.locator(".study-next")
        expect(next_button).to_be_focused()
        last = "See the summary" in next_button.inner_text()
        page.keyboard.press("Enter")
        if last:
            break
        # Keys pressed before the new question has settled are dropped on purpose.
        expect(page.locator("#question-heading:focus, #study-answer-input:focus")).to_have_count(1)
    expect(page.locator("#summary-heading")).to_have_text("Session complete")
    shot(page, f"{name}-summary")
    return codes


def first_session(page: Page, ada: User, shot: Shot) -> None:
    page.get_by_role("button", name="Study", exact=True).click()
    expect(page.locator("#study-progress-bar")).to_have_attribute("value", "0")
    shot(page, "study-question")
    codes = study_a_session(page, ada, shot, "study", first={"right": False})
    # New cards start with recognising the answer, not recalling it.
    assert len(codes) == 3
    assert set(codes) <= {"multiple_choice", "true_false"}
    expect(page.locator(".study-score-final")).to_contain_text("2 of 3")
    expect(page.locator(".study-summary")).to_contain_text("Next review in")


def progress_shows(page: Page, reviews: int, shot: Shot, name: str) -> None:
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Dashboard").click()
    expect(page.locator(".dashboard-figures")).to_contain_text(f"{reviews} reviews so far.")
    expect(page.get_by_role("heading", name="Start with some cards")).to_have_count(0)
    shot(page, f"dashboard-{name}")
    nav.get_by_role("link", name="Statistics").click()
    expect(page.locator("figcaption").first).to_contain_text(f"{reviews} reviews on 1 day")
    shot(page, f"statistics-{name}")


def second_session_with_typed_answers(
    page: Page, url: str, ada: User, catalog: Catalog, shot: Shot
) -> int:
    """After the settings ask for typed answers: two new words, recalled, one with a typo."""
    page.goto(f"{url}/catalogs/{catalog.pk}/")
    for front, back in MORE_WORDS:
        add_card(page, front, back)
    page.get_by_role("button", name="Study", exact=True).click()
    codes = study_a_session(page, ada, shot, "study-typed", first={"right": True, "typo": True})
    assert "typed" in codes
    assert set(codes) <= {"typed", "flip"}
    expect(page.locator(".study-score-final")).to_contain_text(f"{len(codes)} of {len(codes)}")
    return len(codes)


def a_stranger_sees_none_of_it(page: Page, url: str, ada: User, catalog: Catalog) -> None:
    UserFactory(username="mallory")
    page.goto(url + "/login/")
    page.get_by_label("Username or email").fill("mallory")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Welcome back, mallory")).to_be_visible()

    quiz = Quiz.objects.filter(user=ada).first()
    card = catalog.flashcards.first()
    for path in (
        f"/catalogs/{catalog.pk}/",
        f"/catalogs/{catalog.pk}/study/",
        f"/study/{quiz.pk}/",
        f"/cards/{card.pk}/",
    ):
        response = page.goto(url + path)
        assert response is not None
        assert response.status == 404, path
    expect(page.get_by_role("heading", level=1)).to_contain_text("not found")


def test_a_visitor_becomes_a_learner_and_spends_a_day_in_the_app(
    live_server, page: Page, open_page, mailoutbox, console_errors, screenshot
):
    languages_seed()  # as `init_db` does on a new installation
    quiz_types_seed()
    join_the_waitlist_in_place(page, live_server.url, screenshot)
    staff_approves_and_invites(open_page(), live_server.url, screenshot)
    assert [message.to for message in mailoutbox] == [[EMAIL]]

    register_from_the_invite(page, live_server.url, invite_link(mailoutbox[0]), screenshot)
    ada = User.objects.get(username="ada")
    catalog = build_a_catalog(page, screenshot)
    first_session(page, ada, screenshot)
    progress_shows(page, 3, screenshot, "after-first-session")

    edit_learning_settings(page, screenshot)  # typed answers from now on, and the dark theme
    answered = second_session_with_typed_answers(page, live_server.url, ada, catalog, screenshot)
    progress_shows(page, 3 + answered, screenshot, "dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")

    change_password(page, screenshot)
    log_out_and_in_again_with_the_email(page, screenshot)
    assert console_errors == []

    a_stranger_sees_none_of_it(open_page(), live_server.url, ada, catalog)
    assert all("status of 404" in error for error in console_errors), console_errors
