import pytest

from accounts.tests.factories import UserFactory
from decks.models import Catalog, FlashcardShare, Role
from decks.tests.clients import WHO, page_client

pytestmark = pytest.mark.django_db

CARD_SHARE_PAGES = [
    ("get", "/flashcards/{f}/share/", None, (200, 403, 403, 404, 302)),
    (
        "post",
        "/flashcards/{f}/share/",
        {"user": "outsider", "role": "editor"},
        (302, 403, 403, 404, 302),
    ),
    ("post", "/flashcards/{f}/share/{s}/revoke/", None, (302, 403, 403, 404, 302)),
]


def test_share_dialog_shares_and_shows_errors(matrix):
    catalog = matrix["catalog"]
    client = page_client(matrix["users"]["owner"])

    unknown = client.post(f"/catalogs/{catalog.pk}/share/", {"user": "ghost", "role": "viewer"})
    myself = client.post(f"/catalogs/{catalog.pk}/share/", {"user": "owner", "role": "viewer"})
    shared = client.post(
        f"/catalogs/{catalog.pk}/share/", {"user": "outsider@example.com", "role": "editor"}
    )

    assert unknown.status_code == 400
    assert "No user with that username or email." in unknown.content.decode()
    assert myself.status_code == 400
    assert "yourself" in myself.content.decode()
    assert shared.status_code == 302
    assert catalog.shares.get(user=matrix["outsider"]).role == Role.EDITOR


def test_share_link_page_opens_an_unlisted_catalog_read_only(matrix):
    catalog, stranger = matrix["catalog"], matrix["users"]["stranger"]
    catalog.visibility = Catalog.Visibility.UNLISTED
    catalog.share_token = "the-token"
    catalog.save()

    opened = page_client(stranger).get("/share/the-token/")
    wrong = page_client(stranger).get("/share/another-token/")

    assert opened.status_code == 200
    assert "hola" in opened.content.decode()
    assert 'id="add-card"' not in opened.content.decode()
    assert wrong.status_code == 404
    assert page_client(None).get("/share/the-token/").status_code == 302


def test_a_catalog_opened_by_its_link_can_be_copied_from_that_page(matrix):
    catalog, stranger = matrix["catalog"], matrix["users"]["stranger"]
    catalog.visibility = Catalog.Visibility.UNLISTED
    catalog.share_token = "the-token"
    catalog.save()
    client = page_client(stranger)

    page = client.get("/share/the-token/").content.decode()
    response = client.post("/share/the-token/copy/")

    assert 'action="/share/the-token/copy/"' in page
    copy = Catalog.objects.get(owner=stranger)
    assert response["Location"] == f"/catalogs/{copy.pk}/"
    assert copy.flashcards.get().front == "hola"
    assert client.post("/share/old-token/copy/").status_code == 404
    assert client.get("/share/the-token/copy/").status_code == 405


@pytest.mark.parametrize(
    ("method", "path", "data", "who", "expected"),
    [
        pytest.param(method, path, data, who, status, id=f"{method} {path} {who}")
        for method, path, data, statuses in CARD_SHARE_PAGES
        for who, status in zip(WHO, statuses, strict=True)
    ],
)
def test_card_share_page_permission_matrix(matrix, method, path, data, who, expected):
    share = FlashcardShare.objects.create(
        flashcard=matrix["card"], user=UserFactory(), role=Role.VIEWER
    )
    url = path.format(f=matrix["card"].pk, s=share.pk)

    response = getattr(page_client(matrix["users"][who]), method)(url, data or {})

    assert response.status_code == expected


def test_share_a_single_card_from_the_catalog_page(matrix):
    owner, card = matrix["users"]["owner"], matrix["card"]
    client = page_client(owner)

    detail = client.get(f"/catalogs/{matrix['catalog'].pk}/").content.decode()
    refused = client.post(f"/flashcards/{card.pk}/share/", {"user": "owner", "role": "viewer"})
    shared = client.post(f"/flashcards/{card.pk}/share/", {"user": "outsider", "role": "editor"})

    assert f'href="/flashcards/{card.pk}/share/"' in detail
    assert refused.status_code == 400
    assert shared.status_code == 302
    assert FlashcardShare.objects.get(flashcard=card).user == matrix["outsider"]


def test_a_share_link_with_a_nul_byte_is_a_404(client, learner):
    client.force_login(learner)

    assert client.get("/share/%00/").status_code == 404
    assert client.get("/share/abc%00def/copy/").status_code in (404, 405)
