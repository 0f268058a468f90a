from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse


@task
def waitlist_join_process(*, email: str, name: str, note: str) -> None:
    """Add a join request to the waitlist, off the request (see `waitlist_entry_join`)."""
    from waitlist.services import waitlist_entry_add

    waitlist_entry_add(email=email, name=name, note=note)


@task
def invite_mail_send(*, entry_id: int) -> None:
    """Mail an approved entry its invite link (a fresh token each time)."""
    from waitlist.services import waitlist_invite_issue

    issued = waitlist_invite_issue(entry_id=entry_id)
    if issued is None:
        return
    entry, token = issued
    context = {
        "entry": entry,
        "link": f"{settings.SITE_URL}{reverse('register')}?{urlencode({'token': token})}",
        "expire_days": settings.WAITLIST_INVITE_EXPIRE_DAYS,
    }
    send_mail(
        subject="Your invitation to Cerego",
        message=render_to_string("waitlist/email/invite.txt", context),
        from_email=None,
        recipient_list=[entry.email],
    )
