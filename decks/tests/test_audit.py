"""Sharing changes and deletions of catalogs and cards leave a line in the audit trail."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from accounts.tests.factories import UserFactory
from decks.models import Catalog, CatalogShare, Flashcard, FlashcardShare, Role
from decks.services.catalogs import catalog_delete, catalog_update
from decks.services.flashcards import flashcard_delete
from decks.services.sharing import catalog_share_link_regenerate, share_create, share_revoke
from decks.tests.factories import (
    CatalogFactory,
    CatalogFlashcardFactory,
    FlashcardFactory,
    LanguageFactory,
)

pytestmark = pytest.mark.django_db


def trail() -> list[tuple[str, str, str, dict]]:
    """(action, actor name, target, extra) of every event, oldest first."""
    events = AuditEvent.objects.order_by("id")
    return [(e.action, e.actor_name, e.target, e.extra) for e in events]


@pytest.fixture
def catalog():
    return CatalogFactory(owner=UserFactory(username="owner"), name="Verbs")


@pytest.fixture
def friend():
    return UserFactory(username="friend")


def test_sharing_a_catalog_changing_the_role_and_revoking_are_audited(catalog, friend):
    owner = catalog.owner

    share_create(shared=catalog, user_ref="friend", role=Role.VIEWER, by=owner, ip="10.0.0.1")
    share_create(shared=catalog, user_ref="friend", role=Role.VIEWER, by=owner)  # no change
    share_create(shared=catalog, user_ref="friend", role=Role.EDITOR, by=owner)
    share_revoke(share=CatalogShare.objects.get(), by=owner)

    target = f"catalog {catalog.pk} “Verbs”"
    assert trail() == [
        ("catalog_shared", "owner", target, {"user": "friend", "role": "viewer"}),
        (
            "catalog_share_role_changed",
            "owner",
            target,
            {"user": "friend", "role": "editor", "was": "viewer"},
        ),
        ("catalog_share_revoked", "owner", target, {"user": "friend", "role": "editor"}),
    ]
    assert AuditEvent.objects.order_by("id")[0].ip_address == "10.0.0.1"


def test_sharing_a_single_card_and_revoking_are_audited(friend):
    card = FlashcardFactory(front="hola", owner=UserFactory(username="owner"))

    share_create(shared=card, user_ref="friend", role=Role.EDITOR, by=card.owner)
    share_revoke(share=FlashcardShare.objects.get(), by=card.owner)

    target = f"flashcard {card.pk} “hola”"
    assert [(action, target_) for action, _, target_, _ in trail()] == [
        ("flashcard_shared", target),
        ("flashcard_share_revoked", target),
    ]


def test_a_refused_share_leaves_no_event(catalog):
    with pytest.raises(ValidationError, match="No user"):
        share_create(shared=catalog, user_ref="nobody", role=Role.VIEWER, by=catalog.owner)

    assert not AuditEvent.objects.exists()


def test_visibility_changes_and_new_links_are_audited(catalog):
    owner = catalog.owner

    catalog_update(catalog=catalog, name="Irregular verbs", by=owner)  # not audited
    catalog_update(catalog=catalog, visibility=Catalog.Visibility.UNLISTED, by=owner)
    catalog_share_link_regenerate(catalog=catalog, by=owner, ip="2001:db8::1")
    catalog_update(catalog=catalog, visibility=Catalog.Visibility.PUBLIC, by=owner)

    target = f"catalog {catalog.pk} “Irregular verbs”"
    assert trail() == [
        (
            "catalog_visibility_changed",
            "owner",
            target,
            {"was": "private", "visibility": "unlisted"},
        ),
        ("catalog_share_link_regenerated", "owner", target, {}),
        (
            "catalog_visibility_changed",
            "owner",
            target,
            {"was": "unlisted", "visibility": "public"},
        ),
    ]
    assert AuditEvent.objects.get(action="catalog_share_link_regenerated").ip_address == (
        "2001:db8::1"
    )


def test_deleting_a_catalog_or_a_card_is_audited_with_what_it_was(catalog):
    card = FlashcardFactory(front="hola", owner=catalog.owner)
    catalog_pk, card_pk = catalog.pk, card.pk

    catalog_delete(catalog=catalog, by=catalog.owner)
    flashcard_delete(flashcard=card, by=card.owner)

    assert [(action, actor, target) for action, actor, target, _ in trail()] == [
        ("catalog_deleted", "owner", f"catalog {catalog_pk} “Verbs”"),
        ("flashcard_deleted", "owner", f"flashcard {card_pk} “hola”"),
    ]
    assert not Catalog.objects.exists()
    assert not Flashcard.objects.exists()


def test_the_pages_record_the_actor_and_the_client_address(catalog, friend):
    client = Client(REMOTE_ADDR="192.0.2.7")
    client.force_login(catalog.owner)

    client.post(f"/catalogs/{catalog.pk}/share/", {"user": "friend", "role": "viewer"})
    share = CatalogShare.objects.get()
    client.post(f"/catalogs/{catalog.pk}/share/{share.pk}/revoke/")
    client.post(f"/catalogs/{catalog.pk}/delete/")

    events = AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).order_by("id")
    assert [event.action for event in events] == [
        "catalog_shared",
        "catalog_share_revoked",
        "catalog_deleted",
    ]
    assert {(event.actor, event.ip_address) for event in events} == {(catalog.owner, "192.0.2.7")}


def test_the_api_records_the_actor_and_the_client_address(catalog, friend):
    card = FlashcardFactory(owner=catalog.owner)
    client = APIClient(REMOTE_ADDR="198.51.100.4")
    client.force_authenticate(catalog.owner)

    client.post(f"/api/v1/flashcards/{card.pk}/shares/", {"user": "friend", "role": "editor"})
    client.patch(f"/api/v1/catalogs/{catalog.pk}/", {"visibility": "unlisted"}, format="json")
    client.post(f"/api/v1/catalogs/{catalog.pk}/share-link/")
    client.delete(f"/api/v1/flashcards/{card.pk}/")

    events = AuditEvent.objects.order_by("id")
    assert [event.action for event in events] == [
        "flashcard_shared",
        "catalog_visibility_changed",
        "catalog_share_link_regenerated",
        "flashcard_deleted",
    ]
    assert {(event.actor, event.ip_address) for event in events} == {
        (catalog.owner, "198.51.100.4")
    }


def test_a_viewer_refused_by_the_api_leaves_no_event(catalog, friend):
    CatalogShare.objects.create(catalog=catalog, user=friend, role=Role.VIEWER)
    client = APIClient()
    client.force_authenticate(friend)

    response = client.delete(f"/api/v1/catalogs/{catalog.pk}/")

    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


def test_a_refused_catalog_change_leaves_no_event(catalog):
    spanish, french = (LanguageFactory(code=code) for code in ("es", "fr"))
    CatalogFlashcardFactory(catalog=catalog, flashcard__language=spanish)

    with pytest.raises(ValidationError, match="language"):
        catalog_update(catalog=catalog, visibility="public", language=french, by=catalog.owner)

    assert not AuditEvent.objects.exists()
    assert Catalog.objects.get().visibility == "private"
