import pytest

from decks.models import Catalog, FlashcardShare, Role
from decks.tests.clients import api_client

pytestmark = pytest.mark.django_db


def test_share_by_email_then_revoke(matrix):
    catalog, owner, outsider = matrix["catalog"], matrix["users"]["owner"], matrix["outsider"]
    client = api_client(owner)

    created = client.post(
        f"/api/v1/catalogs/{catalog.pk}/shares/",
        {"user": "OUTSIDER@example.com", "role": "editor"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["user"] == "outsider"
    assert api_client(outsider).get(f"/api/v1/catalogs/{catalog.pk}/").json()["role"] == "editor"

    share_id = created.json()["id"]
    assert client.delete(f"/api/v1/catalogs/{catalog.pk}/shares/{share_id}/").status_code == 204
    assert api_client(outsider).get(f"/api/v1/catalogs/{catalog.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("user", "field"),
    [("owner", "user"), ("nobody-here", "user"), ("", "user")],
)
def test_sharing_with_oneself_or_an_unknown_user_is_a_400(matrix, user, field):
    catalog = matrix["catalog"]
    response = api_client(matrix["users"]["owner"]).post(
        f"/api/v1/catalogs/{catalog.pk}/shares/", {"user": user, "role": "viewer"}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert catalog.shares.count() == 2


def test_share_a_single_card(matrix):
    card, outsider = matrix["card"], matrix["outsider"]
    api_client(matrix["users"]["owner"]).post(
        f"/api/v1/flashcards/{card.pk}/shares/", {"user": "outsider"}, format="json"
    )

    assert FlashcardShare.objects.get().role == Role.VIEWER
    assert api_client(outsider).get(f"/api/v1/flashcards/{card.pk}/").status_code == 200
    assert api_client(outsider).get("/api/v1/flashcards/").json()["count"] == 1
    assert (
        api_client(outsider).patch(f"/api/v1/flashcards/{card.pk}/", {"back": "x"}).status_code
        == 403
    )


def test_unlisted_catalog_opens_by_its_link_until_regenerated(matrix):
    catalog, owner = matrix["catalog"], api_client(matrix["users"]["owner"])
    stranger = api_client(matrix["users"]["stranger"])
    owner.patch(f"/api/v1/catalogs/{catalog.pk}/", {"visibility": "unlisted"}, format="json")
    token = Catalog.objects.get(pk=catalog.pk).share_token

    opened = stranger.get(f"/api/v1/catalogs/shared/{token}/")
    assert opened.status_code == 200
    assert opened.json()["id"] == catalog.pk
    assert opened.json()["share_url"] is None  # only the owner sees the link
    assert [card["front"] for card in opened.json()["flashcards"]] == ["hola"]
    assert stranger.get(f"/api/v1/catalogs/{catalog.pk}/").status_code == 404

    regenerated = owner.post(f"/api/v1/catalogs/{catalog.pk}/share-link/")
    assert regenerated.status_code == 200
    assert token not in regenerated.json()["share_url"]
    assert stranger.get(f"/api/v1/catalogs/shared/{token}/").status_code == 404


def test_an_unlisted_catalog_is_copied_through_its_current_link_only(matrix):
    catalog, stranger = matrix["catalog"], api_client(matrix["users"]["stranger"])
    catalog.visibility = Catalog.Visibility.UNLISTED
    catalog.share_token = "the-token"
    catalog.save()

    copied = stranger.post("/api/v1/catalogs/shared/the-token/copy/")
    stale = stranger.post("/api/v1/catalogs/shared/old-token/copy/")
    anonymous = api_client(None).post("/api/v1/catalogs/shared/the-token/copy/")

    assert copied.status_code == 201
    copy = Catalog.objects.get(pk=copied.json()["id"])
    assert copy.owner == matrix["users"]["stranger"]
    assert copy.copied_from == catalog
    assert [card.front for card in copy.flashcards.all()] == ["hola"]
    assert stale.status_code == 404
    assert stale.json() == {"detail": "No catalog behind this link."}
    assert anonymous.status_code == 401
    catalog.visibility = Catalog.Visibility.PRIVATE
    catalog.save()
    assert stranger.post("/api/v1/catalogs/shared/the-token/copy/").status_code == 404


def test_a_shared_token_with_a_nul_byte_is_a_json_404(learner_api_client):
    response = learner_api_client.get("/api/v1/catalogs/shared/%00/")

    assert response.status_code == 404
    assert response.json()["detail"]
