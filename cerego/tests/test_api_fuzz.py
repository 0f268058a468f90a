"""schemathesis over every operation of /api/schema/, in process, bounded in time.

Each operation is called with what the schema allows (and what it forbids), authenticated
with a real JWT as a learner with data, or as staff for the staff routes; every case is
sent twice, as generated and with its path and body pointing at the learner's real
objects, so the fuzzer reaches past the 404s. An answer that is a 500, breaks its
documented shape, content type or status codes fails the test. FUZZ_EXAMPLES=30 gives
each operation 30 fuzzed examples (default 6), drawn at random, for a longer run by hand.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.api.authentication import VersionedRefreshToken
from accounts.models import User
from accounts.tests.factories import UserFactory
from cerego.wsgi import application
from decks.models import Catalog, CatalogShare, Flashcard, FlashcardShare, ImportJob
from decks.tests.factories import (
    CatalogFactory,
    CatalogFlashcardFactory,
    FlashcardFactory,
    LanguageFactory,
)
from quizzes.models import CardProgress, CardState, ReviewLog
from quizzes.services.quiz_types import quiz_types_seed
from quizzes.services.quizzes import quiz_create
from waitlist.tests.factories import WaitlistEntryFactory

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
]
STAFF_PATHS = ("/api/v1/waitlist/entries/",)
OPENAPI_JSON = "application/vnd.oai.openapi+json"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
# CI sends the same cases on every run; a run by hand with FUZZ_EXAMPLES explores new ones.
DERANDOMIZE = "FUZZ_EXAMPLES" not in os.environ


@dataclass
class Learner:
    """A learner with one of everything the paths name, and the ids to reach it: in
    paths by the resource they are under, in bodies by field name."""

    user: User
    staff: User
    path_ids: dict[str, dict[str, Any]]
    body_ids: dict[str, Any]


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {VersionedRefreshToken.for_user(user).access_token}"}


def _catalog_with_cards(owner: User) -> tuple[Catalog, list[Flashcard]]:
    spanish = LanguageFactory(code="es", name="Spanish")
    catalog = CatalogFactory(
        owner=owner, language=spanish, name="Spanish basics", visibility=Catalog.Visibility.UNLISTED
    )
    for n in range(8):
        CatalogFlashcardFactory(
            catalog=catalog, flashcard__front=f"palabra {n}", flashcard__back=f"word {n}"
        )
    catalog.share_token = "fuzz-share-token"
    catalog.save(update_fields=["share_token"])
    return catalog, [m.flashcard for m in catalog.memberships.order_by("id")]


def _studied(user: User, card: Flashcard) -> None:
    CardProgress.objects.create(user=user, flashcard=card, state=CardState.REVIEW, stability=3)
    ReviewLog.objects.create(
        user=user,
        flashcard=card,
        rating=3,
        reviewed_at=timezone.now(),
        state_before={},
        state_after={"state": 2},
    )


@pytest.fixture
def learner_with_data(db: None) -> Learner:
    quiz_types_seed()
    user = UserFactory(username="fuzzer")
    friend = UserFactory(username="friend")
    catalog, cards = _catalog_with_cards(user)
    _studied(user, cards[0])
    quiz = quiz_create(user=user, catalog=catalog, size=3)
    catalog_share = CatalogShare.objects.create(catalog=catalog, user=friend)
    card_share = FlashcardShare.objects.create(flashcard=cards[1], user=friend)
    job = ImportJob.objects.create(owner=user, file_name="cards.csv", file_format="csv")
    entry = WaitlistEntryFactory()
    question = quiz.questions.order_by("position").first()
    loose_card = FlashcardFactory(owner=user, language=catalog.language)  # in no catalog
    return Learner(
        user=user,
        staff=UserFactory(username="staffer", is_admin=True, is_superuser=True),
        path_ids={
            "catalogs": {
                "id": catalog.id,
                "card_id": cards[2].id,
                "share_id": catalog_share.id,
                "token": catalog.share_token,
            },
            "flashcards": {"id": cards[1].id, "share_id": card_share.id},
            "progress": {"flashcard": cards[0].id},
            "quizzes": {"id": quiz.id},
            "imports": {"id": job.id},
            "languages": {"code": "es"},
            "waitlist": {"id": entry.id},
        },
        body_ids={
            "catalog": catalog.id,
            "share_token": catalog.share_token,
            "language": "es",
            "flashcard_id": loose_card.id,
            "flashcard": cards[0].id,
            "question": question.id,
            "answer": question.expected_answer,  # one right answer, then "already answered"
            "user": UserFactory(username="stranger").username,
        },
    )


def real_ids(path: str, path_ids: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The learner's own objects for `path`'s parameters, by the resource it is under."""
    resource = path.removeprefix("/api/v1/").split("/")[0]
    return path_ids.get(resource, {})


def with_real_ids(body: Any, body_ids: dict[str, Any]) -> Any:
    """`body` with the fields that name an object naming the learner's (a list: in each
    item), so that creating, sharing and answering can succeed."""
    if isinstance(body, list):
        return [with_real_ids(item, body_ids) for item in body]
    if isinstance(body, dict):
        return body | {name: body_ids[name] for name in body.keys() & body_ids.keys()}
    return body


def _openapi_schema() -> Any:
    """The schema as /api/schema/ serves it, loaded when pytest collects this module: one
    test per operation, each with its own database and learner."""
    response = Client().get("/api/schema/", headers={"accept": OPENAPI_JSON, "host": "localhost"})
    loaded = schemathesis.openapi.from_dict(response.json())
    loaded.app = application  # calls go in process, through the WSGI app
    return loaded


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    # As Django's test client does: the app must not close the test's connection (and its
    # transaction) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = _openapi_schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_documented_contract(case, learner_with_data):
    staff_route = case.path.startswith(STAFF_PATHS)
    headers = bearer(learner_with_data.staff if staff_route else learner_with_data.user)

    cache.clear()  # each case comes as a first request: throttles would hide the code behind
    case.call_and_validate(headers=headers, checks=CHECKS)
    ids = real_ids(case.path, learner_with_data.path_ids)
    path_parameters = {name: ids[name] for name in case.path_parameters or {}}
    body = with_real_ids(case.body, learner_with_data.body_ids)
    if path_parameters != (case.path_parameters or {}) or body != case.body:
        case.path_parameters, case.body = path_parameters, body
        cache.clear()
        case.call_and_validate(headers=headers, checks=CHECKS)


@pytest.mark.parametrize(
    "path",
    [
        path
        for path, operations in schema.raw_schema["paths"].items()
        if "{" in path and "get" in operations
    ],
)
def test_the_fuzzer_reaches_the_learners_own_objects(learner_with_data, path):
    """What makes the second call of each case worth sending: its path is a real object."""
    operation = schema[path]["GET"]
    staff_route = path.startswith(STAFF_PATHS)
    user = learner_with_data.staff if staff_route else learner_with_data.user
    query = {"format": "csv"} if path.endswith("/export/") else {}  # its one required parameter
    case = operation.Case(path_parameters=real_ids(path, learner_with_data.path_ids), query=query)

    assert case.call(headers=bearer(user)).status_code == 200
