"""The daily reminder email, and unsubscribing from it with one click.

A learner who opted in gets one mail per study day, at the first run of `send_reminders`
after their reminder hour in their time zone, when they have cards due: how many, about
how long they take, a link into the session and a signed unsubscribe link.
"""

import logging
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from quizzes.models import StudySettings
from quizzes.selectors.reminders import Reminder, reminders_due, unsubscribe_token

logger = logging.getLogger(__name__)


def reminders_send(*, now: datetime | None = None) -> int:
    """Mail every learner due a reminder; returns how many mails went out.

    Idempotent: each reminder is claimed (its study day recorded) before it is sent, so
    two runs at once or one run twice never mail a learner twice the same day. A mail that
    fails is logged and released for the next run; the others still go.
    """
    now = now or timezone.now()
    sent = 0
    for reminder in reminders_due(now):
        study_settings = reminder.study_settings
        claimed = (
            StudySettings.objects.filter(pk=study_settings.pk)
            .exclude(reminded_on=reminder.day)
            .update(reminded_on=reminder.day)
        )
        if not claimed:
            continue  # another run sent it
        try:
            reminder_message(reminder).send()
        except Exception:
            logger.exception("reminder to user %s failed", study_settings.user_id)
            StudySettings.objects.filter(pk=study_settings.pk, reminded_on=reminder.day).update(
                reminded_on=study_settings.reminded_on
            )
            continue
        sent += 1
    return sent


def reminder_message(reminder: Reminder) -> EmailMessage:
    user = reminder.study_settings.user
    unsubscribe = unsubscribe_url(user)
    context = {
        "user": user,
        "due": reminder.due,
        "minutes": reminder.minutes,
        "study_url": f"{settings.SITE_URL}{reverse('study-all')}",
        "unsubscribe_url": unsubscribe,
        "settings_url": f"{settings.SITE_URL}{reverse('settings')}",
    }
    cards = "card is" if reminder.due == 1 else "cards are"
    return EmailMessage(
        subject=f"{reminder.due} {cards} due on Cerego (about {reminder.minutes} min)",
        body=render_to_string("quizzes/email/reminder.txt", context),
        to=[user.email],
        headers={
            # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs here.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def unsubscribe_url(user: User) -> str:
    path = reverse("reminders-unsubscribe")
    return f"{settings.SITE_URL}{path}?{urlencode({'token': unsubscribe_token(user)})}"


def reminders_unsubscribe(*, user: User) -> None:
    """Stop the learner's reminder emails (from the mail's link: no login needed)."""
    StudySettings.objects.filter(user=user).update(reminders_enabled=False)
