"""Downloading all of a learner's data, and deleting their account."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent, User, UserSettings
from accounts.services import user_delete
from accounts.tests.factories import UserFactory
from decks.models import Catalog, CatalogShare, Flashcard
from quizzes.http import json_stream
from quizzes.models import CardProgress, ParameterFit, ReviewLog, StudySettings
from quizzes.selectors.account_data import account_deletion_summary, account_export_sections
from quizzes.tests.test_query_counts import collection
from quizzes.tests.two_learners import ADA_PASSWORD, two_learners

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(spanish, quiz_types):
    return two_learners(spanish)


def exported(user: User) -> str:
    return "".join(json_stream(account_export_sections(user)))


def test_the_download_holds_every_section_of_the_learners_data(world):
    data = json.loads(exported(world.ada))

    assert data["format"] == "cerego-export"
    assert data["profile"]["username"] == "ada"
    assert data["profile"]["email"] == "ada@example.com"
    assert data["settings"]["daily_new_limit"] == 7
    assert data["settings"]["theme"] == "dark"
    assert data["settings"]["preferred_quiz_types"] == ["typed"]
    hola, adios, gato, _loose = world.ada_cards
    catalogs = [
        (c["name"], c["visibility"], c["language"], c["flashcards"]) for c in data["catalogs"]
    ]
    assert catalogs == [
        ("Spanish basics", "private", "es", [hola.pk, adios.pk]),
        ("Animals", "public", "es", [gato.pk]),
    ]
    assert [card["front"] for card in data["flashcards"]] == ["hola", "adiós", "gato", "suelto"]
    assert data["flashcards"][0]["language"] == "es"
    assert [(s["catalog"], s["user"], s["role"]) for s in data["shares"]] == [
        (world.ada_private.pk, "bob", "viewer")
    ]
    assert [(s["catalog"], s["owner"], s["role"]) for s in data["shared_with_me"]] == [
        (world.bob_private.pk, "bob", "editor")
    ]
    studied = [hola.pk, adios.pk, gato.pk, world.bob_card.pk]
    assert sorted(row["flashcard"] for row in data["progress"]) == sorted(studied)
    assert len(data["reviews"]) == 7
    assert {review["rating"] for review in data["reviews"]} == {3}
    assert set(data["reviews"][0]) >= {"client_review_id", "flashcard", "quiz_type", "reviewed_at"}
    assert [(fit["status"], fit["kept"]) for fit in data["parameter_fits"]] == [("done", True)]


def test_the_download_holds_nothing_of_another_learner(world):
    text = exported(world.ada)

    # Bob's card is named by id in Ada's progress (she studies it), never by its words.
    assert "secreto" not in text
    assert "Bob's secrets" not in text
    assert "bob@example.com" not in text
    data = json.loads(text)
    assert len(data["progress"]) == 4  # Bob's progress on Ada's public card is his
    assert world.bob_copy.pk not in [catalog["id"] for catalog in data["catalogs"]]


def test_a_learner_with_nothing_downloads_empty_sections(learner):
    data = json.loads(exported(learner))

    assert data["catalogs"] == data["flashcards"] == data["reviews"] == []
    assert data["profile"]["username"] == learner.username


def export_queries(api_client, user):
    api_client.force_authenticate(user)
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get("/api/v1/auth/export/")
        data = json.loads(b"".join(response.streaming_content))
    return len(captured), data


def test_the_download_costs_the_same_queries_for_100_and_1000_cards(api_client, spanish):
    small, large = UserFactory(), UserFactory()
    collection(small, spanish, 100)
    collection(large, spanish, 1000)

    small_queries, small_data = export_queries(api_client, small)
    large_queries, large_data = export_queries(api_client, large)

    assert len(small_data["flashcards"]) == 100
    assert len(large_data["flashcards"]) == len(large_data["catalogs"][0]["flashcards"]) == 1000
    assert len(large_data["reviews"]) == len(large_data["progress"]) == 900
    assert large_queries == small_queries
    assert large_queries <= 18  # a fixed set: profile, settings, one or two per section


def test_deletion_takes_the_learners_data_and_keeps_what_others_made(world):
    bob, copy, ada_id = world.bob, world.bob_copy, world.ada.pk
    others_before = {
        "bob's catalogs": Catalog.objects.filter(owner=bob).count(),
        "bob's cards": Flashcard.objects.filter(owner=bob).count(),
    }

    user_delete(user=world.ada, password=ADA_PASSWORD, ip="203.0.113.9")

    assert not User.objects.filter(username="ada").exists()
    for model in (UserSettings, StudySettings, CardProgress, ReviewLog, ParameterFit):
        assert not model.objects.filter(user_id=ada_id).exists()
    assert not Catalog.objects.filter(pk__in=[world.ada_private.pk, world.ada_public.pk]).exists()
    assert not Flashcard.objects.filter(pk__in=[card.pk for card in world.ada_cards]).exists()
    assert not CatalogShare.objects.filter(catalog=world.ada_private.pk).exists()
    assert not CatalogShare.objects.filter(catalog=world.bob_private).exists()  # shared with her
    # Bob keeps his catalogs, his copy of Ada's public one with its card, and his progress
    # on his own cards; his progress on Ada's public card went with it.
    assert {
        "bob's catalogs": Catalog.objects.filter(owner=bob).count(),
        "bob's cards": Flashcard.objects.filter(owner=bob).count(),
    } == others_before
    copy.refresh_from_db()
    assert copy.copied_from is None
    assert [card.front for card in copy.flashcards.all()] == ["gato"]
    studied_owners = CardProgress.objects.filter(user=bob).values_list(
        "flashcard__owner", flat=True
    )
    assert list(studied_owners) == [bob.pk, bob.pk]
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_DELETED)
    assert (event.actor, event.actor_name, event.ip_address) == (None, "ada", "203.0.113.9")


def test_a_wrong_password_deletes_nothing(world):
    counts = [model.objects.count() for model in (User, Catalog, Flashcard, ReviewLog)]

    with pytest.raises(ValidationError) as refusal:
        user_delete(user=world.ada, password="not-her-password", ip=None)

    assert refusal.value.message_dict == {"password": ["Your password was entered incorrectly."]}
    assert [model.objects.count() for model in (User, Catalog, Flashcard, ReviewLog)] == counts
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_DELETED).exists()


def test_the_deletion_summary_counts_what_goes_and_whom_it_touches(world):
    summary = account_deletion_summary(world.ada)

    assert summary == {
        "catalogs": 2,
        "published": 1,
        "flashcards": 4,
        "shares": 1,
        "copies": 1,
        "reviews": 7,
        "others_studying": 1,
    }
