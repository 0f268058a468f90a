"""Django's `changepassword`, which also makes the user's API tokens stop working, as a
change of password anywhere else in the product does (`cerego` is listed before
`django.contrib.auth`, so this command replaces theirs)."""

import getpass
from typing import Any

from django.contrib.auth.management.commands import changepassword
from django.db import transaction

from accounts.models import User
from accounts.services import tokens_revoke_all


class Command(changepassword.Command):
    help = "Change a user's password; their API tokens stop working."

    def handle(self, *args: Any, **options: Any) -> str | None:
        with transaction.atomic(using=options["database"]):
            done = super().handle(*args, **options)
            # Django's handle found the user by the same name and raised had there been none.
            username = options["username"] or getpass.getuser()
            users = User._default_manager.db_manager(options["database"])
            tokens_revoke_all(user=users.get_by_natural_key(username))
        return done
