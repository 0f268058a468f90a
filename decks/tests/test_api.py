import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from decks.models import Catalog, CatalogFlashcard, CatalogShare, Flashcard, FlashcardShare, Role
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, FlashcardFactory

pytestmark = pytest.mark.django_db

WHO = ("owner", "editor", "viewer", "stranger", "anonymous")


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _extra_share(matrix):
    return CatalogShare.objects.create(
        catalog=matrix["catalog"], user=matrix["outsider"], role=Role.VIEWER
    )


CATALOG_ENDPOINTS = [
    # (method, path, body, expected status for owner, editor, viewer, stranger, anonymous)
    ("get", "/api/v1/catalogs/{c}/", None, (200, 200, 200, 404, 401)),
    ("patch", "/api/v1/catalogs/{c}/", {"name": "Renamed"}, (200, 403, 403, 404, 401)),
    ("delete", "/api/v1/catalogs/{c}/", None, (204, 403, 403, 404, 401)),
    ("get", "/api/v1/catalogs/{c}/flashcards/", None, (200, 200, 200, 404, 401)),
    (
        "post",
        "/api/v1/catalogs/{c}/flashcards/",
        {"front": "gato", "back": "cat"},
        (201, 201, 403, 404, 401),
    ),
    ("delete", "/api/v1/catalogs/{c}/flashcards/{f}/", None, (204, 204, 403, 404, 401)),
    ("post", "/api/v1/catalogs/{c}/copy/", None, (201, 201, 201, 404, 401)),
    ("get", "/api/v1/catalogs/{c}/shares/", None, (200, 403, 403, 404, 401)),
    (
        "post",
        "/api/v1/catalogs/{c}/shares/",
        {"user": "outsider", "role": "viewer"},
        (201, 403, 403, 404, 401),
    ),
    ("delete", "/api/v1/catalogs/{c}/shares/{s}/", None, (204, 403, 403, 404, 401)),
    # A private catalog has no link to make: the owner is told so, the others are stopped.
    ("post", "/api/v1/catalogs/{c}/share-link/", None, (400, 403, 403, 404, 401)),
    ("get", "/api/v1/flashcards/{f}/", None, (200, 200, 200, 404, 401)),
    ("patch", "/api/v1/flashcards/{f}/", {"back": "hi"}, (200, 200, 403, 404, 401)),
    ("delete", "/api/v1/flashcards/{f}/", None, (204, 403, 403, 404, 401)),
    ("get", "/api/v1/flashcards/{f}/shares/", None, (200, 403, 403, 404, 401)),
    (
        "post",
        "/api/v1/flashcards/{f}/shares/",
        {"user": "outsider@example.com", "role": "editor"},
        (201, 403, 403, 404, 401),
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "who", "expected"),
    [
        pytest.param(method, path, body, who, status, id=f"{method} {path} {who}")
        for method, path, body, statuses in CATALOG_ENDPOINTS
        for who, status in zip(WHO, statuses, strict=True)
    ],
)
def test_permission_matrix(matrix, method, path, body, who, expected):
    share = _extra_share(matrix)
    url = path.format(c=matrix["catalog"].pk, f=matrix["card"].pk, s=share.pk)

    response = getattr(client_for(matrix["users"][who]), method)(url, body, format="json")

    assert response.status_code == expected, response.content
    assert expected == 204 or response["Content-Type"].startswith("application/json")


def test_a_refused_change_leaves_the_catalog_as_it_was(matrix):
    catalog = matrix["catalog"]
    client_for(matrix["users"]["viewer"]).patch(
        f"/api/v1/catalogs/{catalog.pk}/", {"name": "Mine now"}, format="json"
    )
    client_for(matrix["users"]["editor"]).delete(f"/api/v1/catalogs/{catalog.pk}/")

    catalog.refresh_from_db()
    assert catalog.name != "Mine now"


def test_catalog_shape(matrix):
    catalog = matrix["catalog"]
    body = client_for(matrix["users"]["owner"]).get(f"/api/v1/catalogs/{catalog.pk}/").json()

    assert body["id"] == catalog.pk
    assert body["language"] == "es"
    assert body["owner"] == "owner"
    assert body["visibility"] == "private"
    assert body["flashcard_count"] == 1
    assert body["role"] == "owner"
    assert body["share_url"] is None
    assert {"name", "description", "created_at", "updated_at"} <= body.keys()


def test_flashcard_shape(matrix):
    card = matrix["card"]
    body = client_for(matrix["users"]["viewer"]).get(f"/api/v1/flashcards/{card.pk}/").json()

    assert body == {
        "id": card.pk,
        "front": "hola",
        "back": card.back,
        "hint": "",
        "language": "es",
        "owner": "owner",
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_create_a_catalog(learner_api_client, spanish):
    response = learner_api_client.post(
        "/api/v1/catalogs/",
        {"name": "  Verbs ", "language": "ES", "visibility": "unlisted"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Verbs"
    assert body["language"] == "es"
    assert body["flashcard_count"] == 0
    assert "/share/" in body["share_url"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Verbs", "language": "xx-nope"}, "language"),
        ({"name": "Verbs", "visibility": "secret"}, "visibility"),
    ],
)
def test_create_a_catalog_refuses_bad_input(learner_api_client, spanish, body, field):
    response = learner_api_client.post("/api/v1/catalogs/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Catalog.objects.exists()


def test_catalog_list_holds_mine_and_shared_with_me_and_filters(matrix, french):
    viewer = matrix["users"]["viewer"]
    mine = CatalogFactory(owner=viewer, name="Mes mots", language=french, visibility="public")
    CatalogFactory(visibility="public", name="Someone else's public")
    client = client_for(viewer)

    names = [row["name"] for row in client.get("/api/v1/catalogs/").json()["results"]]
    assert sorted(names) == sorted([matrix["catalog"].name, mine.name])
    assert [r["id"] for r in client.get("/api/v1/catalogs/?language=fr").json()["results"]] == [
        mine.pk
    ]
    results = client.get("/api/v1/catalogs/?visibility=private").json()["results"]
    assert [r["id"] for r in results] == [matrix["catalog"].pk]
    assert client.get("/api/v1/catalogs/?search=mots").json()["count"] == 1


def test_public_library_lists_public_catalogs_only(matrix, french):
    public = CatalogFactory(visibility="public", language=french, name="Le vocabulaire")
    CatalogFactory(visibility="unlisted", name="Hidden")
    client = client_for(matrix["users"]["stranger"])

    body = client.get("/api/v1/catalogs/public/").json()
    assert [row["id"] for row in body["results"]] == [public.pk]
    assert body["count"] == 1
    assert client.get("/api/v1/catalogs/public/?language=es").json()["count"] == 0
    assert client.get("/api/v1/catalogs/public/?search=vocab").json()["count"] == 1


def test_lists_are_paginated(learner, learner_api_client):
    CatalogFactory.create_batch(25, owner=learner)

    body = learner_api_client.get("/api/v1/catalogs/").json()

    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["next"].endswith("page=2")


def test_add_a_card_defaults_to_the_catalog_language(matrix):
    catalog = matrix["catalog"]
    response = client_for(matrix["users"]["editor"]).post(
        f"/api/v1/catalogs/{catalog.pk}/flashcards/",
        {"front": "perro", "back": "dog", "hint": "woof"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["language"] == "es"
    assert response.json()["owner"] == "owner"  # cards of a catalog belong to its owner
    assert catalog.flashcards.filter(front="perro").exists()


def test_adding_a_word_already_there_is_a_409_naming_the_card(matrix):
    catalog, card = matrix["catalog"], matrix["card"]

    response = client_for(matrix["users"]["owner"]).post(
        f"/api/v1/catalogs/{catalog.pk}/flashcards/",
        {"front": "  HOLA ", "back": "hello again"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This word is already in the catalog.",
        "duplicate_of": card.pk,
    }
    assert Flashcard.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"front": "  ", "back": "x"}, "front"),
        ({"front": "gato", "back": ""}, "back"),
        ({"front": "g" * 501, "back": "x"}, "front"),
        ({"front": "gato", "back": "cat", "language": "fr"}, "language"),
        ({"front": "gato", "back": "cat", "language": "zz-unknown"}, "language"),
        ({"back": "cat"}, "front"),
    ],
)
def test_adding_a_bad_card_is_a_400_and_writes_nothing(matrix, french, body, field):
    catalog = matrix["catalog"]
    response = client_for(matrix["users"]["owner"]).post(
        f"/api/v1/catalogs/{catalog.pk}/flashcards/", body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert Flashcard.objects.count() == 1


def test_add_an_existing_card_to_a_catalog(matrix):
    owner = matrix["users"]["owner"]
    other = CatalogFactory(owner=owner)
    response = client_for(owner).post(
        f"/api/v1/catalogs/{other.pk}/flashcards/",
        {"flashcard_id": matrix["card"].pk},
        format="json",
    )

    assert response.status_code == 201
    assert list(other.flashcards.all()) == [matrix["card"]]
    again = client_for(owner).post(
        f"/api/v1/catalogs/{other.pk}/flashcards/",
        {"flashcard_id": matrix["card"].pk},
        format="json",
    )
    assert again.status_code == 409


def test_a_card_without_catalog_needs_a_language(learner_api_client, spanish):
    refused = learner_api_client.post(
        "/api/v1/flashcards/", {"front": "gato", "back": "cat"}, format="json"
    )
    created = learner_api_client.post(
        "/api/v1/flashcards/", {"front": "gato", "back": "cat", "language": "es"}, format="json"
    )

    assert refused.status_code == 400
    assert "language" in refused.json()
    assert created.status_code == 201


def test_editing_a_front_into_a_word_of_the_catalog_is_a_409(matrix):
    catalog, owner = matrix["catalog"], matrix["users"]["owner"]
    other = CatalogFlashcardFactory(catalog=catalog, flashcard__front="adiós").flashcard

    response = client_for(owner).patch(
        f"/api/v1/flashcards/{other.pk}/", {"front": "Hola"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["duplicate_of"] == matrix["card"].pk
    other.refresh_from_db()
    assert other.front == "adiós"


def test_editing_a_front_keeps_every_catalog_in_sync(matrix):
    owner, card = matrix["users"]["owner"], matrix["card"]
    second = CatalogFactory(owner=owner)
    CatalogFlashcard.objects.create(catalog=second, flashcard=card, front_normalized="hola")

    response = client_for(owner).patch(
        f"/api/v1/flashcards/{card.pk}/", {"front": "¡Hola!"}, format="json"
    )

    assert response.status_code == 200
    assert set(card.memberships.values_list("front_normalized", flat=True)) == {"¡hola!"}


def test_flashcard_list_filters(matrix, french):
    owner = matrix["users"]["owner"]
    loose = FlashcardFactory(owner=owner, language=french, front="chat", back="cat")
    client = client_for(owner)

    assert client.get("/api/v1/flashcards/").json()["count"] == 2
    assert [c["id"] for c in client.get("/api/v1/flashcards/?language=fr").json()["results"]] == [
        loose.pk
    ]
    in_catalog = client.get(f"/api/v1/flashcards/?catalog={matrix['catalog'].pk}").json()
    assert [c["id"] for c in in_catalog["results"]] == [matrix["card"].pk]
    assert client.get("/api/v1/flashcards/?search=CHA").json()["count"] == 1
    stranger = client_for(matrix["users"]["stranger"])
    assert stranger.get(f"/api/v1/flashcards/?catalog={matrix['catalog'].pk}").status_code == 404


def test_share_by_email_then_revoke(matrix):
    catalog, owner, outsider = matrix["catalog"], matrix["users"]["owner"], matrix["outsider"]
    client = client_for(owner)

    created = client.post(
        f"/api/v1/catalogs/{catalog.pk}/shares/",
        {"user": "OUTSIDER@example.com", "role": "editor"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["user"] == "outsider"
    assert client_for(outsider).get(f"/api/v1/catalogs/{catalog.pk}/").json()["role"] == "editor"

    share_id = created.json()["id"]
    assert client.delete(f"/api/v1/catalogs/{catalog.pk}/shares/{share_id}/").status_code == 204
    assert client_for(outsider).get(f"/api/v1/catalogs/{catalog.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("user", "field"),
    [("owner", "user"), ("nobody-here", "user"), ("", "user")],
)
def test_sharing_with_oneself_or_an_unknown_user_is_a_400(matrix, user, field):
    catalog = matrix["catalog"]
    response = client_for(matrix["users"]["owner"]).post(
        f"/api/v1/catalogs/{catalog.pk}/shares/", {"user": user, "role": "viewer"}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert catalog.shares.count() == 2


def test_share_a_single_card(matrix):
    card, outsider = matrix["card"], matrix["outsider"]
    client_for(matrix["users"]["owner"]).post(
        f"/api/v1/flashcards/{card.pk}/shares/", {"user": "outsider"}, format="json"
    )

    assert FlashcardShare.objects.get().role == Role.VIEWER
    assert client_for(outsider).get(f"/api/v1/flashcards/{card.pk}/").status_code == 200
    assert client_for(outsider).get("/api/v1/flashcards/").json()["count"] == 1
    assert (
        client_for(outsider).patch(f"/api/v1/flashcards/{card.pk}/", {"back": "x"}).status_code
        == 403
    )


def test_unlisted_catalog_opens_by_its_link_until_regenerated(matrix):
    catalog, owner = matrix["catalog"], client_for(matrix["users"]["owner"])
    stranger = client_for(matrix["users"]["stranger"])
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
    catalog, stranger = matrix["catalog"], client_for(matrix["users"]["stranger"])
    catalog.visibility = Catalog.Visibility.UNLISTED
    catalog.share_token = "the-token"
    catalog.save()

    copied = stranger.post("/api/v1/catalogs/shared/the-token/copy/")
    stale = stranger.post("/api/v1/catalogs/shared/old-token/copy/")
    anonymous = client_for(None).post("/api/v1/catalogs/shared/the-token/copy/")

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


def test_copy_a_public_catalog_deeply(matrix):
    catalog, stranger = matrix["catalog"], matrix["users"]["stranger"]
    catalog.visibility = Catalog.Visibility.PUBLIC
    catalog.save()

    response = client_for(stranger).post(f"/api/v1/catalogs/{catalog.pk}/copy/")

    assert response.status_code == 201
    copy = Catalog.objects.get(pk=response.json()["id"])
    assert copy.owner == stranger
    assert copy.visibility == Catalog.Visibility.PRIVATE
    assert copy.copied_from == catalog
    copied_card = copy.flashcards.get()
    assert copied_card.owner == stranger
    assert copied_card.pk != matrix["card"].pk
    assert copied_card.front == "hola"
    body = client_for(stranger).get("/api/v1/catalogs/public/").json()
    assert body["results"][0]["learner_count"] == 1


def test_copying_someone_elses_private_catalog_is_a_404(matrix):
    response = client_for(matrix["users"]["stranger"]).post(
        f"/api/v1/catalogs/{matrix['catalog'].pk}/copy/"
    )

    assert response.status_code == 404
    assert Catalog.objects.count() == 1


def test_duplicates_endpoint_reports_exact_and_near(learner, learner_api_client, spanish, french):
    exact = FlashcardFactory(owner=learner, language=spanish, front="Gato")
    near = FlashcardFactory(owner=learner, language=spanish, front="gatos")
    FlashcardFactory(owner=learner, language=spanish, front="perro")
    FlashcardFactory(owner=learner, language=french, front="gato")
    FlashcardFactory(language=spanish, front="gato")  # someone else's

    response = learner_api_client.get("/api/v1/flashcards/duplicates/?front=gato&language=es")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(row["flashcard"]["id"], row["exact"]) for row in results] == [
        (exact.pk, True),
        (near.pk, False),
    ]
    assert results[0]["similarity"] == 1.0
    assert 0.8 <= results[1]["similarity"] < 1.0


@pytest.mark.parametrize(
    "query", ["?front=gato", "?language=es", "?front=gato&language=zz", "?front=&language=es"]
)
def test_duplicates_endpoint_refuses_incomplete_queries(learner_api_client, spanish, query):
    response = learner_api_client.get(f"/api/v1/flashcards/duplicates/{query}")

    assert response.status_code == 400


def test_languages_are_listed(learner_api_client, spanish):
    body = learner_api_client.get("/api/v1/languages/").json()

    assert body["results"] == [{"code": "es", "name": "Spanish", "native_name": "", "bidi": False}]


def test_catalog_list_query_count_does_not_grow_with_catalogs_or_cards(
    learner, learner_api_client, django_assert_max_num_queries
):
    for _ in range(5):
        catalog = CatalogFactory(owner=learner)
        CatalogFlashcardFactory.create_batch(3, catalog=catalog)
        CatalogShare.objects.create(catalog=catalog, user=UserFactory(), role=Role.VIEWER)

    with django_assert_max_num_queries(2):
        response = learner_api_client.get("/api/v1/catalogs/")
    assert response.json()["count"] == 5
    assert {row["flashcard_count"] for row in response.json()["results"]} == {3}


def test_catalog_cards_query_count_does_not_grow_with_cards(
    learner, learner_api_client, django_assert_max_num_queries
):
    catalog = CatalogFactory(owner=learner)
    CatalogFlashcardFactory.create_batch(15, catalog=catalog)

    with django_assert_max_num_queries(3):
        response = learner_api_client.get(f"/api/v1/catalogs/{catalog.pk}/flashcards/")
    assert response.json()["count"] == 15


def test_schema_documents_every_decks_endpoint(api_client):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]

    for path in [
        "/api/v1/languages/",
        "/api/v1/catalogs/",
        "/api/v1/catalogs/{id}/",
        "/api/v1/catalogs/public/",
        "/api/v1/catalogs/shared/{token}/",
        "/api/v1/catalogs/{id}/share-link/",
        "/api/v1/catalogs/{id}/flashcards/",
        "/api/v1/catalogs/{id}/flashcards/{card_id}/",
        "/api/v1/catalogs/{id}/copy/",
        "/api/v1/catalogs/{id}/shares/",
        "/api/v1/catalogs/{id}/shares/{share_id}/",
        "/api/v1/flashcards/",
        "/api/v1/flashcards/{id}/",
        "/api/v1/flashcards/duplicates/",
        "/api/v1/flashcards/{id}/shares/",
    ]:
        assert path in paths
    assert "409" in paths["/api/v1/catalogs/{id}/flashcards/"]["post"]["responses"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/catalogs/?search=%00&language=%00&visibility=%00",
        "/api/v1/catalogs/public/?search=a%00b",
        "/api/v1/flashcards/?search=%00&language=e%00s",
        "/api/v1/flashcards/duplicates/?front=a%00&language=es",
        "/api/v1/flashcards/duplicates/?front=a&language=e%00s",
        "/api/v1/catalogs/?page=999",
        "/api/v1/catalogs/shared/%00/",
    ],
)
def test_odd_query_strings_are_never_a_500(learner_api_client, spanish, url):
    response = learner_api_client.get(url)

    assert response.status_code in (200, 400, 404)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"front": "a\x00b", "back": "x"},
        {"flashcard_id": "abc"},
        {"flashcard_id": 999999},
        {"front": "gato", "back": "cat", "hint": "h" * 501},
        {"front": "gato", "back": "cat", "language": "e\x00s"},
    ],
)
def test_odd_card_bodies_are_a_4xx_and_write_nothing(matrix, body):
    response = client_for(matrix["users"]["owner"]).post(
        f"/api/v1/catalogs/{matrix['catalog'].pk}/flashcards/", body, format="json"
    )

    assert response.status_code in (400, 404)
    assert Flashcard.objects.count() == 1


def test_catalog_detail_query_count_does_not_grow_with_cards(
    learner, learner_api_client, django_assert_max_num_queries
):
    catalog = CatalogFactory(owner=learner)
    CatalogFlashcardFactory.create_batch(25, catalog=catalog)

    with django_assert_max_num_queries(1):
        response = learner_api_client.get(f"/api/v1/catalogs/{catalog.pk}/")
    assert response.json()["flashcard_count"] == 25


def test_a_visible_card_of_someone_else_cannot_be_added_to_my_catalog(matrix):
    catalog, card = matrix["catalog"], matrix["card"]
    catalog.visibility = Catalog.Visibility.PUBLIC
    catalog.save()
    stranger = matrix["users"]["stranger"]
    mine = CatalogFactory(owner=stranger)

    response = client_for(stranger).post(
        f"/api/v1/catalogs/{mine.pk}/flashcards/", {"flashcard_id": card.pk}, format="json"
    )

    assert response.status_code == 400
    assert "flashcard_id" in response.json()
    assert not mine.flashcards.exists()
    assert (
        client_for(stranger).patch(f"/api/v1/flashcards/{card.pk}/", {"back": "x"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("url", "method", "body", "field"),
    [
        ("/api/v1/catalogs/{c}/flashcards/", "post", {"front": "\x01\x02", "back": "x"}, "front"),
        ("/api/v1/catalogs/{c}/flashcards/", "post", {"front": "gato", "back": "c\x1bt"}, "back"),
        ("/api/v1/catalogs/{c}/", "patch", {"name": "Verbs\x07"}, "name"),
        ("/api/v1/catalogs/{c}/", "patch", {"description": "\x01"}, "description"),
    ],
)
def test_control_characters_are_a_400_naming_the_field(matrix, url, method, body, field):
    catalog = matrix["catalog"]
    response = getattr(client_for(matrix["users"]["owner"]), method)(
        url.format(c=catalog.pk), body, format="json"
    )

    assert response.status_code == 400
    assert "invisible control character" in str(response.json())
    assert field in str(response.json())
    assert Flashcard.objects.count() == 1
    catalog.refresh_from_db()
    assert "\x07" not in catalog.name
    assert catalog.description == ""
