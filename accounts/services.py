from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User


@transaction.atomic
def user_create(*, username: str, email: str, password: str, is_admin: bool = False) -> User:
    """Create a user with their settings, after Django's password validators pass."""
    candidate = User(username=username, email=User.objects.normalize_email(email))
    password_validation.validate_password(password, user=candidate)
    candidate.validate_constraints()
    if is_admin:
        return User.objects.create_superuser(username, email, password)
    return User.objects.create_user(username, email, password)


@transaction.atomic
def admin_user_ensure(*, username: str, email: str, password: str) -> tuple[User, bool]:
    """Create the configured superuser, or bring an existing one up to date.

    Returns the user and whether it was created. The password must pass the validators
    either way: a weak admin password is refused, not stored.
    """
    if not (username and email and password):
        raise ValidationError(
            "ADMIN_USERNAME, ADMIN_EMAIL and ADMIN_PASSWORD must all be set to create the admin."
        )
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        return user_create(username=username, email=email, password=password, is_admin=True), True
    user.email = User.objects.normalize_email(email)
    password_validation.validate_password(password, user=user)
    user.validate_constraints()
    user.set_password(password)
    user.is_admin = user.is_superuser = user.is_active = True
    user.save()
    return user, False
