import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.tests.factories import UserFactory
from waitlist.models import WaitlistEntry
from waitlist.tests.factories import WaitlistEntryFactory
from waitlist.tests.helpers import invite_token

pytestmark = pytest.mark.django_db

HOME = reverse("home")
ADMIN_LIST = reverse("admin:waitlist_waitlistentry_changelist")


def test_the_landing_page_offers_the_waitlist_form(client):
    response = client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="email"' in html
    assert f'hx-post="{HOME}"' in html
    assert 'id="join-form"' in html


def test_joining_without_javascript_redirects_back_with_a_message(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(HOME, {"email": "ada@example.com", "name": "Ada"}, follow=True)

    assert response.redirect_chain == [(HOME, 302)]
    assert "we will mail an invite" in response.content.decode()
    assert WaitlistEntry.objects.get().email == "ada@example.com"


def test_the_page_answers_a_member_as_it_answers_a_newcomer(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="member@example.com")
    answers, work = [], []
    for email in ["member@example.com", "newcomer@example.com"]:
        with (
            django_capture_on_commit_callbacks(execute=True) as queued,
            CaptureQueriesContext(connection) as queries,  # the request's, not the task's
        ):
            answers.append(client.post(HOME, {"email": email}, headers={"HX-Request": "true"}))
        work.append((len(queries), len(queued)))

    assert answers[0].content == answers[1].content
    assert work[0] == work[1]
    assert list(WaitlistEntry.objects.values_list("email", flat=True)) == ["newcomer@example.com"]


def test_joining_with_htmx_swaps_in_only_the_form_region(client):
    response = client.post(HOME, {"email": "ada@example.com"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<p class="joined">')
    assert "<html" not in html
    assert "we will mail an invite" in html


def test_the_htmx_answer_lands_inside_a_live_region_that_stays_in_the_page(client):
    """A replaced live region is not announced; one whose content changes is."""
    html = client.get(HOME).content.decode()

    assert '<div id="join-form" aria-live="polite">' in html
    assert 'hx-target="#join-form" hx-swap="innerHTML"' in html
    answer = client.post(HOME, {"email": "x"}, headers={"HX-Request": "true"}).content.decode()
    assert "aria-live" not in answer
    assert "Enter a valid email address." in answer


def test_a_refused_join_puts_the_cursor_in_the_field_to_fix(client):
    answer = client.post(
        HOME, {"email": "not-an-email", "name": "Ada"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert re.search(r'<input type="email" name="email"[^>]* autofocus', answer)
    assert answer.count("autofocus") == 1


def test_the_page_answers_the_same_for_known_and_unknown_emails(client):
    WaitlistEntryFactory(email="waiting@example.com")
    UserFactory(email="member@example.com")

    answers = {
        client.post(HOME, {"email": email}, headers={"HX-Request": "true"}).content
        for email in ["new@example.com", "waiting@example.com", "member@example.com"]
    }

    assert len(answers) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": ""}, "This field is required."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"email": "a" * 10_000 + "@example.com"}, "at most 254 characters"),
        ({"email": "ok@example.com", "note": "n" * 10_000}, "at most 1000 characters"),
    ],
)
def test_bad_input_is_a_form_error(client, data, message):
    response = client.post(HOME, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_the_web_form_shares_the_join_throttle(client, settings):
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["waitlist"].split("/")[0])
    for i in range(limit):
        client.post(HOME, {"email": f"a{i}@example.com"})

    response = client.post(HOME, {"email": "late@example.com"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not WaitlistEntry.objects.filter(email="late@example.com").exists()


def test_a_signed_in_user_gets_the_dashboard_instead(client, learner):
    client.force_login(learner)

    html = client.get(HOME).content.decode()

    assert f"Welcome back, {learner.username}" in html
    assert 'name="email"' not in html
    assert 'href="/catalogs/"' in html
    assert 'href="/library/"' in html
    assert 'href="/catalogs/import/"' in html


def test_admin_lists_filters_and_searches_entries(client, staff):
    WaitlistEntryFactory(email="ada@example.com", name="Ada Lovelace")
    WaitlistEntryFactory(email="bob@example.com", status=WaitlistEntry.Status.REJECTED)
    client.force_login(staff)

    by_name = client.get(ADMIN_LIST, {"q": "lovelace"}).content.decode()
    by_status = client.get(ADMIN_LIST, {"status__exact": "rejected"}).content.decode()

    assert "ada@example.com" in by_name
    assert "bob@example.com" not in by_name
    assert "bob@example.com" in by_status
    assert "ada@example.com" not in by_status


def test_admin_bulk_approval_mails_every_invite(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    entries = WaitlistEntryFactory.create_batch(2)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADMIN_LIST,
            {"action": "approve_and_invite", "_selected_action": [e.pk for e in entries]},
            follow=True,
        )

    assert "Approved and invited 2 entries" in response.content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(e.email for e in entries)
    assert all(invite_token(m) for m in mailoutbox)
    assert set(WaitlistEntry.objects.values_list("status", "decided_by")) == {
        ("approved", staff.pk)
    }
    assert AuditEvent.objects.filter(action="waitlist_approved").count() == 2


def test_admin_bulk_reject_skips_registered_entries_with_a_warning(client, staff, mailoutbox):
    pending = WaitlistEntryFactory()
    registered = WaitlistEntryFactory(status=WaitlistEntry.Status.REGISTERED)
    client.force_login(staff)

    response = client.post(
        ADMIN_LIST,
        {"action": "reject", "_selected_action": [pending.pk, registered.pk]},
        follow=True,
    )

    html = response.content.decode()
    assert "Rejected 1 entry" in html
    assert "already registered" in html
    pending.refresh_from_db()
    registered.refresh_from_db()
    assert (pending.status, registered.status) == ("rejected", "registered")
    assert mailoutbox == []
