import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.models import AuditEvent
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from cerego.tests.markup import parse

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOGOUT = reverse("logout")
NEW_PASSWORD = "a-brand-new-pass-phrase"


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def log_in(client, login, password=DEFAULT_PASSWORD):
    return client.post(LOGIN, {"username": login, "password": password})


def register_form(**overrides):
    return {
        "username": "ada",
        "email": "ada@example.com",
        "password": "analytical-engine-1843",
        "password_confirm": "analytical-engine-1843",
    } | overrides


def test_nav_offers_log_in_to_strangers(client):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{LOGIN}"' in html
    assert "Log out" not in html


def test_the_nav_marks_the_page_you_are_on(client, learner):
    client.force_login(learner)

    html = client.get(reverse("settings")).content.decode()

    assert f'<a href="{reverse("settings")}" aria-current="page">Settings</a>' in html
    assert html.count('aria-current="page"') == 1


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


# Where `next` may send someone after they log in: only to a page of this site.
OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    " //evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "http://testserver@evil.example/",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_follows_next_off_the_site(client, learner, target):
    page = client.get(LOGIN, {"next": target})

    response = client.post(
        LOGIN, {"username": learner.username, "password": DEFAULT_PASSWORD, "next": target}
    )

    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(learner.pk)


def test_login_follows_next_within_the_site(client, learner):
    response = client.post(
        LOGIN, {"username": learner.username, "password": DEFAULT_PASSWORD, "next": "/statistics/"}
    )

    assert response["Location"] == "/statistics/"


@pytest.mark.parametrize("target", OFF_SITE[:3])
def test_a_signed_in_visit_to_the_login_page_stays_on_the_site(client, learner, target):
    client.force_login(learner)

    response = client.get(LOGIN, {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE[:3])
def test_logout_never_follows_next_off_the_site(client, learner, target):
    client.force_login(learner)

    response = client.post(LOGOUT, {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("target", OFF_SITE[:3])
def test_the_admin_login_never_follows_next_off_the_site(client, staff, target):
    response = client.post(
        reverse("admin:login") + "?" + urlencode({"next": target}),
        {"username": staff.username, "password": DEFAULT_PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == "/"  # LOGIN_REDIRECT_URL, in place of the refused next


def test_a_hostile_next_is_escaped_in_the_login_form(client):
    target = '/"><script>alert(1)</script>'

    page = parse(client.get(LOGIN, {"next": target}).content)

    assert [s.attrs.get("src") for s in page.scripts] == ["/static/vendor/htmx/htmx.min.js"]
    assert "alert(1)" not in "".join(s.text for s in page.scripts)


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


def test_a_stranger_locks_only_their_own_address_out_of_the_web_login(client, staff):
    for _ in range(5):
        client.post(LOGIN, {"username": staff.username, "password": "guess"}, REMOTE_ADDR="1.2.3.4")
    stranger = client.post(
        LOGIN, {"username": staff.username, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="1.2.3.4"
    )

    assert stranger.status_code == 429
    assert "from your network" in stranger.content.decode()
    assert log_in(client, staff.username).status_code == 302  # from the staff's own address
    assert signed_in_user_id(client) == str(staff.pk)


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


def test_password_reset_page_answers_the_same_for_unknown_emails(
    client, learner, django_capture_on_commit_callbacks
):
    answers, work = [], []
    for email in [learner.email, "nobody@example.com"]:
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks() as queued,
        ):
            answers.append(client.post(reverse("password_reset"), {"email": email}))
        work.append((len(queries), len(queued)))

    assert answers[0].status_code == answers[1].status_code == 302
    assert answers[0]["Location"] == answers[1]["Location"]
    assert work[0] == work[1]  # the same queries and one queued task: the same time
    assert work[0][1] == 1


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


def test_a_page_reads_the_signed_in_user_with_their_theme_in_one_query(
    client, learner, django_assert_max_num_queries
):
    learner.settings.theme = "dark"
    learner.settings.save()
    client.force_login(learner)

    with django_assert_max_num_queries(10) as queries:
        html = client.get(reverse("decks:library")).content.decode()

    assert '<html lang="en" data-theme="dark">' in html
    alone = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "accounts_usersettings"')
    ]
    assert alone == []  # joined to the user's own query
