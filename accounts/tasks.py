from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User


@task
def password_reset_mail_send(*, user_id: int) -> None:
    """Mail a password reset link; the token is made here so it never sits in the queue.

    Called by `password_reset_mails_send`; still a task so that requests queued by an
    earlier version, which enqueued it directly, are sent.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": f"{settings.SITE_URL}{path}",
        "timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    send_mail(
        subject="Reset your Cerego password",
        message=render_to_string("accounts/email/password_reset.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@task
def password_reset_mails_send(*, email: str, ip: str | None) -> None:
    """Mail a reset link to each account with this email: the lookup runs here, off the
    request, so a reset request answers alike for known and unknown emails."""
    from accounts.services import password_reset_recipients_record

    for user in password_reset_recipients_record(email=email, ip=ip):
        password_reset_mail_send.call(user_id=user.pk)
