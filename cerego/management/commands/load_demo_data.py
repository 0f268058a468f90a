from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import user_create
from decks.services.demo import demo_catalogs_load
from quizzes.services.demo import demo_reviews_load
from quizzes.services.quiz_types import quiz_types_seed
from waitlist.services import waitlist_entry_add

DEMO_PASSWORD = "cerego-demo-2026"  # noqa: S105 - development data only, refused without DEBUG
DEMO_LEARNERS = ["alice", "bruno", "chen"]
DEMO_WAITLIST = ["dana@example.com", "emeka@example.com"]


class Command(BaseCommand):
    help = "Load development data: a few learners. Safe to run again; refused unless DEBUG."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is false.")

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for development: set DEBUG=true or pass --force.")
        for username in DEMO_LEARNERS:
            if not User.objects.filter(username__iexact=username).exists():
                user_create(
                    username=username, email=f"{username}@example.com", password=DEMO_PASSWORD
                )
        for email in DEMO_WAITLIST:
            waitlist_entry_add(email=email, note="Demo entry: approve me in the admin.")
        self.stdout.write(
            f"Demo learners: {', '.join(DEMO_LEARNERS)} (password {DEMO_PASSWORD!r})."
        )
        self.stdout.write(f"Demo catalogs: {demo_catalogs_load()}.")
        quiz_types_seed()
        self.stdout.write(f"Demo reviews: {demo_reviews_load()} made through the scheduler.")
