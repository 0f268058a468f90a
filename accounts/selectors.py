from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from accounts.models import User

LOGIN_MAX_LENGTH = 254


def user_by_login(login: str) -> User | None:
    """The user a login form means: a username match wins over an email match."""
    login = login.strip()
    if not login or len(login) > LOGIN_MAX_LENGTH:
        return None
    return (
        User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
        .annotate(
            by_username=Case(
                When(username__iexact=login, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("by_username")
        .first()
    )


def users_with_email(email: str) -> QuerySet[User]:
    return User.objects.filter(email__iexact=email.strip(), is_active=True)
