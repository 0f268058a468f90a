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
    """Mail a password reset link; the token is made here so it never sits in the queue."""
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
