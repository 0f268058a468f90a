from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cerego.backups import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to one file (pg_dump's custom format on PostgreSQL, "
        "SQLite's online backup otherwise) while the app keeps serving."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to write.")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["path"]))
        try:
            database_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {path} ({path.stat().st_size:,} bytes).")
