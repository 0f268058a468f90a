"""Queries per request on the hot paths, for a learner with 100 cards and one with 10,000.

    .venv/bin/python -m bench.query_counts            # a temporary SQLite database
    DATABASE_URL=postgresql://…/disposable .venv/bin/python -m bench.query_counts

Builds both collections as `quizzes/tests/test_query_counts.py` does (nine cards in ten
studied, half of those due, with history), then counts the queries of each API endpoint
and page a studying learner hits, through Django's test client. The counts must be equal
at both sizes (the tests assert it for the API's hot paths and for each page at its own
sizes); this prints the whole table. Results: docs/performance.md.
"""

import os
import sys
import tempfile
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from bench.servers import ROOT

if TYPE_CHECKING:
    from accounts.models import User

SIZES = (100, 10_000)


def page_counts(client, api, catalog, user) -> dict[str, int]:
    """Queries of the pages and of the API calls not in the test's hot paths."""
    from django.utils import timezone

    from quizzes.models import QuizQuestion
    from quizzes.services.quizzes import quiz_create
    from quizzes.tests.test_query_counts import queries

    quiz = quiz_create(user=user, catalog=catalog, size=20, quiz_types=["typed"])
    question = QuizQuestion.objects.filter(quiz=quiz).order_by("position")[0]
    step = {"question": question.pk, "answer": question.expected_answer, "response_ms": 3000}
    flashcard = question.flashcard_id
    review = [
        {
            "client_review_id": str(uuid.uuid4()),
            "flashcard": flashcard,
            "rating": 3,
            "reviewed_at": timezone.now().isoformat(),
            "quiz_type": "flip",
        }
    ]
    calls: dict[str, Callable] = {
        "sync one review (API)": lambda: api.post("/api/v1/reviews/sync/", review, format="json"),
        "statistics (API)": lambda: api.get("/api/v1/stats/"),
        "dashboard page": lambda: client.get("/"),
        "statistics page": lambda: client.get("/statistics/"),
        "catalog page": lambda: client.get(f"/catalogs/{catalog.pk}/"),
        "study step (answer + next question, HTMX)": lambda: client.post(
            f"/study/{quiz.pk}/", step, headers={"HX-Request": "true"}
        ),
        "card detail page": lambda: client.get(f"/cards/{flashcard}/"),
    }
    return {name: queries(call) for name, call in calls.items()}


def main() -> None:
    folder = tempfile.mkdtemp(prefix="cerego-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cerego.test_settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from rest_framework.test import APIClient

    from accounts.tests.factories import UserFactory
    from decks.services.languages import languages_seed
    from quizzes.services.quiz_types import quiz_types_seed
    from quizzes.tests.test_query_counts import collection, hot_paths

    call_command("migrate", verbosity=0)
    languages_seed()
    quiz_types_seed()
    from decks.models import Language

    spanish = Language.objects.get(code="es")
    table: dict[int, dict[str, int]] = {}
    for size in SIZES:
        user = cast("User", UserFactory())
        catalog = collection(user, spanish, size)
        api, client = APIClient(), Client()
        api.force_authenticate(user)
        client.force_login(user)
        table[size] = hot_paths(api, catalog) | page_counts(client, api, catalog, user)

    print(f"| request | {' | '.join(f'{size:,} cards' for size in SIZES)} | equal |")
    print("|---" * (len(SIZES) + 2) + "|")
    for name in table[SIZES[0]]:
        counts = [table[size][name] for size in SIZES]
        equal = "yes" if len(set(counts)) == 1 else "NO"
        print(f"| {name} | {' | '.join(map(str, counts))} | {equal} |")


if __name__ == "__main__":
    main()
