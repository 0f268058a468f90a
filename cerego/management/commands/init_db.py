from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.services import admin_user_ensure
from decks.services.languages import languages_seed
from quizzes.services.quiz_types import quiz_types_seed


class Command(BaseCommand):
    help = (
        "Initialise a database for production: apply migrations, seed languages and quiz "
        "types, and create or update the ADMIN_* superuser. Safe to run again."
    )

    def handle(self, *args: object, **options: Any) -> None:
        admin = (settings.ADMIN_USERNAME, settings.ADMIN_EMAIL, settings.ADMIN_PASSWORD)
        if any(admin) and not all(admin):
            raise CommandError(
                "ADMIN_USERNAME, ADMIN_EMAIL and ADMIN_PASSWORD must be set together "
                "(or none of them, to skip creating the admin)."
            )
        call_command("migrate", interactive=False, verbosity=max(0, options["verbosity"] - 1))
        self.stdout.write(f"Languages: {languages_seed()} seeded.")
        self.stdout.write(f"Quiz types: {quiz_types_seed()} seeded.")
        if not all(admin):
            self.stdout.write("No ADMIN_* variables set: no admin account created.")
            return
        try:
            user, created = admin_user_ensure(
                username=settings.ADMIN_USERNAME,
                email=settings.ADMIN_EMAIL,
                password=settings.ADMIN_PASSWORD,
            )
        except ValidationError as error:
            raise CommandError("Admin account refused: " + " ".join(error.messages)) from error
        self.stdout.write(f"Admin {user.username!r} {'created' if created else 'updated'}.")
