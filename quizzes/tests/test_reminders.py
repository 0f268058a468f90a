"""The daily reminder email: when it goes, to whom, and the one-click unsubscribe."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
import time_machine
import yaml
from django.core import mail, signing
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from cerego.settings import BASE_DIR
from decks.models import Catalog, Role
from decks.services.catalogs import catalog_update
from decks.services.sharing import share_create, share_revoke
from quizzes.models import CardProgress, CardState, ReviewLog
from quizzes.selectors.reminders import unsubscribe_token
from quizzes.selectors.settings import study_settings_of
from quizzes.services.reminders import reminders_send
from quizzes.tests.conftest import START

pytestmark = pytest.mark.django_db

# 23:10 UTC on 1 March is 08:10 on 2 March in Tokyo, past an 8 o'clock reminder there.
TOKYO_MORNING = datetime(2026, 3, 1, 23, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://cerego.example"


@pytest.fixture
def library(deck):
    """The learner's deck published to the library, so that other learners may study it."""
    catalog_update(catalog=deck, visibility=Catalog.Visibility.PUBLIC, by=deck.owner)
    return deck


def opted_in(user, *, time_zone="Asia/Tokyo", hour=8, rollover=4):
    user.settings.time_zone = time_zone
    user.settings.save()
    study_settings = study_settings_of(user)
    study_settings.reminders_enabled = True
    study_settings.reminder_hour = hour
    study_settings.day_rollover_hour = rollover
    study_settings.save()
    return user


def due_cards(user, deck, count, *, due, state=CardState.REVIEW):
    cards = [m.flashcard for m in deck.memberships.order_by("id")[:count]]
    CardProgress.objects.bulk_create(
        CardProgress(
            user=user,
            flashcard=card,
            state=state,
            stability=3.0,
            difficulty=5.0,
            last_review=due - timedelta(days=3),
            due=due,
            reps=2,
        )
        for card in cards
    )


def link(message, name):
    path = reverse(name)
    found = re.search(rf"https://cerego\.example{re.escape(path)}\S*", message.body)
    assert found, message.body
    return found.group(0)


def test_a_reminder_says_how_many_cards_how_long_and_links_into_the_session(learner, deck):
    opted_in(learner)
    due_cards(learner, deck, 12, due=TOKYO_MORNING - timedelta(hours=2))

    assert reminders_send(now=TOKYO_MORNING) == 1

    [message] = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == "12 cards are due on Cerego (about 2 min)"
    assert "You have 12 cards due" in message.body
    assert "about 2 minutes" in message.body  # 12 x (6 s usual answer + 2 s feedback)
    assert link(message, "study-all") == "https://cerego.example/study/"


def test_the_estimate_follows_the_learners_own_pace(learner, deck):
    opted_in(learner)
    due_cards(learner, deck, 20, due=TOKYO_MORNING - timedelta(hours=2))
    card = deck.memberships.first().flashcard
    ReviewLog.objects.bulk_create(
        ReviewLog(
            user=learner,
            flashcard=card,
            rating=3,
            response_ms=16_000,
            reviewed_at=TOKYO_MORNING - timedelta(days=1, minutes=n),
            state_before={},
            state_after={},
        )
        for n in range(5)
    )

    reminders_send(now=TOKYO_MORNING)

    assert "about 6 minutes" in mail.outbox[0].body  # 20 x (16 s + 2 s) = 6 min


def test_the_reminder_waits_for_the_hour_in_the_learners_time_zone(learner, deck):
    opted_in(learner, time_zone="Asia/Tokyo", hour=8)
    due_cards(learner, deck, 3, due=TOKYO_MORNING - timedelta(hours=5))

    with time_machine.travel(datetime(2026, 3, 1, 22, 50, tzinfo=UTC), tick=False):
        assert reminders_send() == 0  # 07:50 in Tokyo (and 22:50 past 8 in UTC: not theirs)
    with time_machine.travel(datetime(2026, 3, 1, 23, 0, tzinfo=UTC), tick=False):
        assert reminders_send() == 1  # 08:00 in Tokyo

    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("library")
def test_learners_in_two_time_zones_are_reminded_at_their_own_hour(learner, deck):
    opted_in(learner, time_zone="America/New_York", hour=18)
    paris = opted_in(UserFactory(), time_zone="Europe/Paris", hour=18)
    due = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    due_cards(learner, deck, 2, due=due)
    due_cards(paris, deck, 2, due=due)

    reminders_send(now=datetime(2026, 3, 2, 17, 5, tzinfo=UTC))  # 18:05 Paris, 12:05 New York
    assert [m.to for m in mail.outbox] == [[paris.email]]
    reminders_send(now=datetime(2026, 3, 2, 23, 5, tzinfo=UTC))  # 18:05 New York
    assert [m.to for m in mail.outbox] == [[paris.email], [learner.email]]


def test_only_learners_who_opted_in_are_reminded(learner, deck):
    other = UserFactory()
    other.settings.time_zone = "Asia/Tokyo"
    other.settings.save()
    opted_in(learner)
    due_cards(learner, deck, 3, due=TOKYO_MORNING - timedelta(hours=1))
    due_cards(other, deck, 3, due=TOKYO_MORNING - timedelta(hours=1))

    reminders_send(now=TOKYO_MORNING)

    assert [m.to for m in mail.outbox] == [[learner.email]]


def test_a_deactivated_account_gets_no_reminder(learner, deck):
    opted_in(learner)
    due_cards(learner, deck, 3, due=TOKYO_MORNING - timedelta(hours=1))
    learner.is_active = False
    learner.save()

    assert reminders_send(now=TOKYO_MORNING) == 0


def test_no_reminder_without_cards_due(learner, deck):
    opted_in(learner)
    due_cards(learner, deck, 3, due=TOKYO_MORNING + timedelta(hours=3))  # due later today

    assert reminders_send(now=TOKYO_MORNING) == 0
    assert mail.outbox == []


def test_suspended_cards_do_not_count(learner, deck):
    opted_in(learner)
    due_cards(learner, deck, 3, due=TOKYO_MORNING - timedelta(hours=1))
    CardProgress.objects.filter(user=learner).update(suspended=True)

    assert reminders_send(now=TOKYO_MORNING) == 0


def test_no_reminder_for_cards_of_a_revoked_share_until_they_are_visible_again(
    learner, teacher, shared_deck
):
    opted_in(learner)
    classmate = opted_in(UserFactory())
    share_create(shared=shared_deck, user_ref=classmate.username, role=Role.VIEWER, by=teacher)
    due_cards(classmate, shared_deck, 2, due=START - timedelta(hours=1))

    share_revoke(share=shared_deck.shares.get(user=learner), by=teacher)

    # Read for both at once, each against their own shares: the classmate keeps theirs.
    assert reminders_send(now=START) == 1
    [message] = mail.outbox
    assert message.to == [classmate.email]

    catalog_update(catalog=shared_deck, visibility=Catalog.Visibility.PUBLIC, by=teacher)

    assert reminders_send(now=START) == 1
    assert mail.outbox[1].to == [learner.email]
    assert mail.outbox[1].subject.startswith("3 cards are due")


def test_the_count_stops_at_the_daily_review_limit_but_keeps_learning_steps(learner, deck):
    opted_in(learner)
    study_settings = study_settings_of(learner)
    study_settings.daily_review_limit = 5
    study_settings.save()
    due_cards(learner, deck, 20, due=TOKYO_MORNING - timedelta(hours=1))
    CardProgress.objects.filter(
        user=learner, flashcard__in=[m.flashcard for m in deck.memberships.order_by("id")[:2]]
    ).update(state=CardState.LEARNING)

    reminders_send(now=TOKYO_MORNING)

    assert mail.outbox[0].subject.startswith("7 cards are due")  # 5 reviews + 2 steps


def test_one_reminder_a_study_day_however_often_the_command_runs(learner, deck):
    opted_in(learner)
    due_cards(learner, deck, 3, due=TOKYO_MORNING - timedelta(hours=1))

    assert reminders_send(now=TOKYO_MORNING) == 1
    assert reminders_send(now=TOKYO_MORNING + timedelta(minutes=15)) == 0
    assert reminders_send(now=TOKYO_MORNING + timedelta(hours=14)) == 0  # 22:10 in Tokyo
    assert len(mail.outbox) == 1
    # The next day (the cards still due), one more.
    assert reminders_send(now=TOKYO_MORNING + timedelta(days=1)) == 1
    assert len(mail.outbox) == 2


def test_a_reminder_hour_before_the_rollover_still_sends_once_a_study_day(learner, deck):
    # Day starts at 4, reminder at 2 at night: the reminder of a study day is at its end.
    opted_in(learner, time_zone="UTC", hour=2, rollover=4)
    due_cards(learner, deck, 3, due=datetime(2026, 3, 1, tzinfo=UTC))
    sent = [
        reminders_send(now=datetime(2026, 3, 2, 4, 0, tzinfo=UTC) + timedelta(minutes=15 * n))
        for n in range(4 * 24 * 2)  # two days of runs every 15 minutes
    ]

    assert sum(sent) == 2
    assert [m.subject for m in mail.outbox] == ["3 cards are due on Cerego (about 1 min)"] * 2


class FlakyBackend(EmailBackend):
    """The local outbox, refusing mail to one address: a bounced send."""

    def send_messages(self, messages):
        if any("bounce" in address for message in messages for address in message.to):
            raise ConnectionError("the mail server refused")
        return super().send_messages(messages)


@pytest.mark.usefixtures("library")
def test_one_failed_send_does_not_stop_the_others_and_is_retried(learner, deck, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend", "OPTIONS": {}}}
    bounce = opted_in(UserFactory(email="bounce@example.com"))
    opted_in(learner)
    due_cards(bounce, deck, 3, due=TOKYO_MORNING - timedelta(hours=1))
    due_cards(learner, deck, 3, due=TOKYO_MORNING - timedelta(hours=1))

    assert reminders_send(now=TOKYO_MORNING) == 1

    assert [m.to for m in mail.outbox] == [[learner.email]]
    assert study_settings_of(bounce).reminded_on is None  # the next run tries again
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert reminders_send(now=TOKYO_MORNING + timedelta(minutes=15)) == 1
    assert mail.outbox[-1].to == ["bounce@example.com"]


@pytest.mark.usefixtures("library")
def test_a_run_takes_a_few_queries_for_many_learners(deck, django_assert_max_num_queries):
    learners = [opted_in(UserFactory()) for _ in range(10)]
    for user in learners:
        due_cards(user, deck, 2, due=TOKYO_MORNING - timedelta(hours=1))

    # Three reads for everybody, then one claim per mail.
    with django_assert_max_num_queries(3 + len(learners)):
        assert reminders_send(now=TOKYO_MORNING) == 10


def test_the_mail_carries_one_click_unsubscribe_headers(learner, deck):
    opted_in(learner)
    due_cards(learner, deck, 3, due=TOKYO_MORNING - timedelta(hours=1))

    reminders_send(now=TOKYO_MORNING)

    message = mail.outbox[0]
    url = link(message, "reminders-unsubscribe")
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.message()["List-Unsubscribe"] == f"<{url}>"  # as it leaves


def test_the_unsubscribe_link_asks_first_and_works_without_a_login(client, learner, deck):
    opted_in(learner)
    due_cards(learner, deck, 3, due=TOKYO_MORNING - timedelta(hours=1))
    reminders_send(now=TOKYO_MORNING)
    url = urlsplit(link(mail.outbox[0], "reminders-unsubscribe"))
    path = f"{url.path}?{url.query}"

    page = client.get(path)  # a link scanner opening the mail's links changes nothing

    assert page.status_code == 200
    assert "Stop reminder emails?" in page.content.decode()
    assert learner.username in page.content.decode()
    assert study_settings_of(learner).reminders_enabled is True

    done = client.post(path)

    assert done.status_code == 200
    assert "Reminders stopped" in done.content.decode()
    assert study_settings_of(learner).reminders_enabled is False
    assert reminders_send(now=TOKYO_MORNING + timedelta(days=1)) == 0


def test_a_mail_client_unsubscribes_with_one_post_and_no_csrf_token(learner):
    opted_in(learner)
    client = Client(enforce_csrf_checks=True)
    path = f"{reverse('reminders-unsubscribe')}?token={unsubscribe_token(learner)}"

    response = client.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert study_settings_of(learner).reminders_enabled is False


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "token",
    ["", "nonsense", "MQ:1tamper:badsignature", "x" * 5000],
)
def test_a_bad_or_forged_token_is_a_404_page(client, learner, method, token):
    opted_in(learner)

    response = getattr(client, method)(reverse("reminders-unsubscribe"), {"token": token})

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert study_settings_of(learner).reminders_enabled is True


def test_a_token_signed_for_something_else_does_not_unsubscribe(client, learner):
    opted_in(learner)
    token = signing.dumps(learner.pk)  # the site's key, another salt

    response = client.post(f"{reverse('reminders-unsubscribe')}?token={token}")

    assert response.status_code == 404
    assert study_settings_of(learner).reminders_enabled is True


def test_the_command_sends_and_says_how_many(learner, deck):
    opted_in(learner)
    due_cards(learner, deck, 3, due=TOKYO_MORNING - timedelta(hours=1))
    out = StringIO()

    with time_machine.travel(TOKYO_MORNING, tick=False):
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)

    assert out.getvalue() == "1 reminder(s) sent.\n0 reminder(s) sent.\n"
    assert len(mail.outbox) == 1


def test_reminders_are_set_through_the_api(learner_api_client, learner):
    response = learner_api_client.patch(
        "/api/v1/auth/settings/", {"reminders_enabled": True, "reminder_hour": 19}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["reminders_enabled"] is True
    assert response.json()["reminder_hour"] == 19
    assert study_settings_of(learner).reminder_hour == 19
    refused = learner_api_client.patch(
        "/api/v1/auth/settings/", {"reminder_hour": 24}, format="json"
    )
    assert refused.status_code == 400
    assert "reminder_hour" in refused.json()


def test_the_compose_file_runs_the_command_on_a_schedule():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())

    service = compose["services"]["reminders"]
    assert "python manage.py send_reminders" in service["command"]
    assert "sleep 900" in service["command"]
    assert service["restart"] == "unless-stopped"
