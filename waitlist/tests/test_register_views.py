import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from waitlist.models import WaitlistEntry
from waitlist.tests.factories import WaitlistEntryFactory
from waitlist.tests.helpers import invite_link, invite_token

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOGOUT = reverse("logout")
REGISTER = reverse("register")


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def log_in(client, login, password=DEFAULT_PASSWORD):
    return client.post(LOGIN, {"username": login, "password": password})


@pytest.fixture
def invite(client, staff, mailoutbox, django_capture_on_commit_callbacks):
    """Staff approve ada@example.com in admin; the invite link from the mail."""
    entry = WaitlistEntryFactory(email="ada@example.com", name="Ada")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:waitlist_waitlistentry_changelist"),
            {"action": "approve_and_invite", "_selected_action": [entry.pk]},
        )
    client.logout()
    return invite_link(mailoutbox[-1])


def register_form(**overrides):
    return {
        "username": "ada",
        "email": "ada@example.com",
        "password": "analytical-engine-1843",
        "password_confirm": "analytical-engine-1843",
    } | overrides


def test_web_journey_from_waitlist_to_logout(
    client, staff, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("home"), {"email": "ada@example.com", "name": "Ada"})
    entry = WaitlistEntry.objects.get()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:waitlist_waitlistentry_changelist"),
            {"action": "approve_and_invite", "_selected_action": [entry.pk]},
        )
    client.post(LOGOUT)
    link = invite_link(mailoutbox[0])

    page = client.get(link.removeprefix("http://testserver"))
    assert "ada@example.com" in page.content.decode()
    token = invite_token(mailoutbox[0])
    registered = client.post(REGISTER, register_form(invite_token=token), follow=True)
    assert "Welcome to Cerego, ada!" in registered.content.decode()
    ada = User.objects.get(username="ada")
    assert signed_in_user_id(client) == str(ada.pk)

    client.post(LOGOUT)
    assert signed_in_user_id(client) is None
    assert log_in(client, "ADA@example.com", "analytical-engine-1843").status_code == 302
    home = client.get(reverse("home")).content.decode()
    assert "Welcome back, ada" in home
    assert f'action="{LOGOUT}"' in home
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.REGISTERED


def test_the_register_page_explains_a_bad_invite(client):
    response = client.get(REGISTER, {"token": "made-up"})

    assert response.status_code == 200
    assert "This invite link is not valid" in response.content.decode()
    assert 'name="password"' not in response.content.decode()


def test_the_register_page_prefills_the_invited_email(client, invite):
    html = client.get(invite.removeprefix("http://127.0.0.1:8000")).content.decode()

    assert 'value="ada@example.com"' in html
    assert "Welcome, Ada!" in html


def test_the_register_page_states_the_password_rules_before_a_refusal(client, invite):
    html = client.get(invite.removeprefix("http://127.0.0.1:8000")).content.decode()

    assert "Your password must contain at least 8 characters." in html
    assert 'aria-describedby="id_password_helptext"' in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "12345", "password_confirm": "12345"}, "This password is too short."),
        ({"password_confirm": "something-else"}, "The two passwords differ."),
        ({"email": "eve@example.com"}, "Use the email address the invite was sent to."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"username": "u" * 10_000}, "at most 150 characters"),
        ({"username": "no spaces!"}, "Enter a valid username"),
        ({"invite_token": "made-up"}, "This invite link is not valid"),
    ],
)
def test_bad_registrations_are_form_errors(client, invite, overrides, message):
    token = invite.split("token=")[1]

    response = client.post(REGISTER, register_form(invite_token=token) | overrides)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username__iexact="ada").exists()
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.APPROVED


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("made-up", "This invite link is not valid"),
        ("t" * 500, "This invite link is not valid"),
        ("", "Registration is by invitation"),
    ],
)
def test_a_bad_invite_token_is_an_error_about_the_form_not_a_hidden_field(client, token, message):
    response = client.post(REGISTER, register_form(invite_token=token))

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf'<ul class="errorlist nonfield"><li>{message}', html)
    assert "Hidden field" not in html


def test_a_refused_registration_puts_the_cursor_in_the_first_field_to_fix(client, invite):
    token = invite.split("token=")[1]
    weak = {"password": "password", "password_confirm": "password"}

    html = client.post(REGISTER, register_form(invite_token=token) | weak).content.decode()

    assert re.search(r'<input type="password" name="password"[^>]* autofocus', html)
    assert html.count("autofocus") == 1


def test_registering_twice_with_one_invite_fails_the_second_time(client, invite):
    token = invite.split("token=")[1]
    client.post(REGISTER, register_form(invite_token=token))
    client.post(LOGOUT)

    again = client.post(REGISTER, register_form(invite_token=token, username="ada2"))

    assert "already been used" in again.content.decode()
    assert not User.objects.filter(username="ada2").exists()


def test_without_the_waitlist_the_register_page_is_open(client, settings):
    settings.WAITLIST_ENABLED = False

    page = client.get(REGISTER)
    response = client.post(REGISTER, register_form())

    assert 'name="password"' in page.content.decode()
    assert response.status_code == 302
    assert User.objects.filter(username="ada").exists()


def test_a_sign_up_that_loses_a_race_for_its_name_is_a_form_error_not_a_500(
    client, settings, monkeypatch
):
    """Two sign-ups for one name at once: both pass the uniqueness check, the database
    constraint refuses the second, and the service says so in a message-only error."""
    settings.WAITLIST_ENABLED = False
    UserFactory(username="ada", email="first@example.com")
    # The other sign-up has not committed when this one checks the name.
    monkeypatch.setattr("accounts.services._taken", lambda **_: {})

    response = client.post(REGISTER, register_form())

    assert response.status_code == 200
    assert "A user with that username or email already exists." in response.content.decode()
    assert User.objects.filter(username__iexact="ada").count() == 1
