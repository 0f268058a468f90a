"""Audit the login events that Django and django-axes announce as signals.

Logins happen inside Django's and SimpleJWT's own views (and the admin), so their
signals are the one place every door passes through.
"""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.models import AuditEvent
from accounts.services import audit_event_record
from cerego.http import client_ip


@receiver(user_logged_in, dispatch_uid="accounts_audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_event_record(
        action=AuditEvent.Action.LOGIN, actor=user, target=f"user {user.pk}", ip=client_ip(request)
    )


@receiver(user_logged_out, dispatch_uid="accounts_audit_logout")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_event_record(
            action=AuditEvent.Action.LOGOUT,
            actor=user,
            target=f"user {user.pk}",
            ip=client_ip(request),
        )


@receiver(user_login_failed, dispatch_uid="accounts_audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    audit_event_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        actor_name=str(credentials.get("username", "")),
        ip=client_ip(request),
    )


@receiver(user_locked_out, dispatch_uid="accounts_audit_lockout")
def audit_lockout(sender: Any, request: Any, username: str, **kwargs: Any) -> None:
    audit_event_record(
        action=AuditEvent.Action.LOCKOUT,
        actor_name=username or "",
        target=f"login {username}",
        ip=kwargs.get("ip_address") or client_ip(request),
    )
