from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cerego.backups import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Replace everything in the database with a backup made by backup_db. Stop the web "
        "processes and the task worker first; run migrate afterwards if the code is newer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["path"]))
        if options["interactive"]:
            answer = input(f"Replace everything in the database with {path}? Type 'yes': ")
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            database_restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored from {path}.")
