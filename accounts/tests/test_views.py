import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts import services
from accounts.models import AuditEvent, User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from quizzes.models import QuizType
from waitlist.models import WaitlistEntry
from waitlist.tests.factories import WaitlistEntryFactory
from waitlist.tests.helpers import invite_link, invite_token

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOGOUT = reverse("logout")
REGISTER = reverse("register")
NEW_PASSWORD = "a-brand-new-pass-phrase"


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


def test_nav_offers_log_in_to_strangers(client):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{LOGIN}"' in html
    assert "Log out" not in html


def test_the_nav_marks_the_page_you_are_on(client, learner):
    client.force_login(learner)

    html = client.get(reverse("settings")).content.decode()

    assert f'<a href="{reverse("settings")}" aria-current="page">Settings</a>' in html
    assert html.count('aria-current="page"') == 1


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


def test_login_with_username_or_email(client, learner):
    assert log_in(client, learner.username.upper()).status_code == 302
    client.post(LOGOUT)
    assert log_in(client, learner.email).status_code == 302
    assert AuditEvent.objects.filter(action="login", actor=learner).count() == 2
    assert AuditEvent.objects.filter(action="logout", actor=learner).count() == 1


def test_a_wrong_password_is_a_form_error(client, learner):
    response = log_in(client, learner.username, "wrong")

    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", actor_name=learner.username).exists()


def test_over_long_login_input_is_a_form_error(client):
    response = log_in(client, "u" * 10_000, "p" * 10_000)

    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()


def test_logout_needs_a_post(client, learner):
    client.force_login(learner)

    assert client.get(LOGOUT).status_code == 405
    assert signed_in_user_id(client) == str(learner.pk)


def test_five_failures_lock_the_web_login_too(client, learner):
    for _ in range(4):
        assert log_in(client, learner.username, "wrong").status_code == 200

    fifth = log_in(client, learner.username, "wrong")
    right = log_in(client, learner.email, DEFAULT_PASSWORD)

    assert fifth.status_code == right.status_code == 429
    assert "locked for 15 minutes" in right.content.decode()
    assert signed_in_user_id(client) is None
    assert AuditEvent.objects.filter(action="lockout").exists()


def test_the_api_and_the_page_share_one_lockout(client, api_client, learner):
    for _ in range(5):
        api_client.post("/api/v1/auth/token/", {"username": learner.username, "password": "wrong"})

    assert log_in(client, learner.username).status_code == 429


def test_password_change_keeps_this_session_and_revokes_refresh_tokens(client, api_client, learner):
    refresh = api_client.post(
        "/api/v1/auth/token/", {"username": learner.username, "password": DEFAULT_PASSWORD}
    ).json()["refresh"]
    client.force_login(learner)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )

    assert "Your password is changed" in response.content.decode()
    assert signed_in_user_id(client) == str(learner.pk)
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}).status_code == 401
    assert AuditEvent.objects.filter(action="password_changed", actor=learner).exists()


def test_a_weak_new_password_is_a_form_error(client, learner):
    client.force_login(learner)

    response = client.post(
        reverse("password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "123", "new_password2": "123"},
    )

    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()


def test_password_reset_by_mail(
    client, learner, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("password_reset"), {"email": learner.email}, follow=True)
    assert "Check your mail" in sent.content.decode()
    link = re.search(r"http://testserver(/reset/\S+/)", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    path = link.group(1)

    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert "Your password is reset" in done.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert "invalid or has expired" in client.get(path, follow=True).content.decode()
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "password_reset_requested",
        "password_reset",
    }


def test_a_reset_by_mail_lifts_the_lockout_the_lockout_page_sent_you_to_it_for(
    client, learner, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://testserver"
    for _ in range(5):
        log_in(client, learner.username, "wrong")
    locked = log_in(client, learner.username)
    assert f'href="{reverse("password_reset")}"' in locked.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": learner.email})
    link = re.search(r"http://testserver(/reset/\S+/)", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]

    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert log_in(client, learner.email, NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(client) == str(learner.pk)


def test_a_reset_lifts_only_that_accounts_lockout(client, learner):
    other = UserFactory()
    for login in [learner.username, other.username] * 5:
        log_in(client, login, "wrong")

    services.user_password_reset(user=learner, password=NEW_PASSWORD, ip=None)

    assert log_in(client, learner.username, NEW_PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, other.username).status_code == 429


def test_password_reset_page_answers_the_same_for_unknown_emails(client, learner, mailoutbox):
    known = client.post(reverse("password_reset"), {"email": learner.email})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_profile_page_changes_name_and_email(client, learner):
    client.force_login(learner)

    response = client.post(
        reverse("profile"), {"username": "renamed", "email": "new@example.com"}, follow=True
    )

    assert "Your profile is saved" in response.content.decode()
    learner.refresh_from_db()
    assert (learner.username, learner.email) == ("renamed", "new@example.com")


def test_profile_page_refuses_a_taken_username(client, learner):
    UserFactory(username="taken")
    client.force_login(learner)

    response = client.post(reverse("profile"), {"username": "TAKEN", "email": learner.email})

    assert "A user with that username already exists." in response.content.decode()
    learner.refresh_from_db()
    assert learner.username != "TAKEN"


def test_settings_page_saves_learning_settings(client, learner):
    typed = QuizType.objects.create(code="typed", name="Typed", difficulty=3)
    client.force_login(learner)
    data = {
        "desired_retention": "0.85",
        "daily_new_limit": "10",
        "daily_review_limit": "100",
        "preferred_quiz_types": [typed.pk],
        "time_zone": "Asia/Tokyo",
        "day_rollover_hour": "3",
        "theme": "dark",
    }

    response = client.post(reverse("settings"), data, follow=True)

    assert "Your learning settings are saved" in response.content.decode()
    learner.settings.refresh_from_db()
    assert learner.settings.time_zone == "Asia/Tokyo"
    assert list(learner.settings.preferred_quiz_types.all()) == [typed]
    assert 'data-theme="dark"' in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_retention", "0.99", "less than or equal to 0.97"),
        ("daily_new_limit", "-1", "greater than or equal to 0"),
        ("time_zone", "Mars/Olympus_Mons", "not a known time zone"),
        ("time_zone", "x" * 10_000, "at most 64 characters"),
    ],
)
def test_settings_page_shows_range_errors(client, learner, field, value, message):
    client.force_login(learner)
    data = {
        "desired_retention": "0.9",
        "daily_new_limit": "20",
        "daily_review_limit": "200",
        "time_zone": "UTC",
        "day_rollover_hour": "4",
        "theme": "system",
    } | {field: value}

    response = client.post(reverse("settings"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    learner.settings.refresh_from_db()
    assert learner.settings.time_zone == "UTC"


@pytest.mark.parametrize("name", ["profile", "settings", "password_change"])
def test_account_pages_need_a_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_staff_read_the_audit_trail_in_admin_but_cannot_edit_it(client, staff, learner):
    log_in(client, learner.username, "wrong")
    client.force_login(staff)
    changelist = reverse("admin:accounts_auditevent_changelist")

    page = client.get(changelist, {"action__exact": "login_failed"})

    assert page.status_code == 200
    assert learner.username in page.content.decode()
    assert "127.0.0.1" in page.content.decode()
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403


@pytest.mark.parametrize(
    ("name", "scope", "data"),
    [
        ("login", "token", {"username": "someone", "password": "wrong"}),
        ("register", "register", register_form()),
        ("password_reset", "password_reset", {"email": "someone@example.com"}),
    ],
)
def test_web_forms_share_the_api_throttles(client, settings, name, scope, data):
    settings.WAITLIST_ENABLED = False
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])
    for i in range(limit):
        # A new name each time, so the lockout (per username) is not what answers.
        renamed = {"username": f"user{i}"} if "username" in data else {}
        client.post(reverse(name), data | renamed)
        client.logout()

    response = client.post(reverse(name), data)

    assert response.status_code == 429
    assert "Too many attempts from your network" in response.content.decode()
