import pytest

from accounts.tests.factories import UserFactory
from decks.models import Catalog, CatalogShare, Flashcard, Role
from decks.tests.clients import WHO, api_client
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory
from decks.tests.queries import membership_counts

pytestmark = pytest.mark.django_db

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


def _extra_share(matrix):
    return CatalogShare.objects.create(
        catalog=matrix["catalog"], user=matrix["outsider"], role=Role.VIEWER
    )


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

    response = getattr(api_client(matrix["users"][who]), method)(url, body, format="json")

    assert response.status_code == expected, response.content
    assert expected == 204 or response["Content-Type"].startswith("application/json")


def test_a_refused_change_leaves_the_catalog_as_it_was(matrix):
    catalog = matrix["catalog"]
    api_client(matrix["users"]["viewer"]).patch(
        f"/api/v1/catalogs/{catalog.pk}/", {"name": "Mine now"}, format="json"
    )
    api_client(matrix["users"]["editor"]).delete(f"/api/v1/catalogs/{catalog.pk}/")

    catalog.refresh_from_db()
    assert catalog.name != "Mine now"


def test_catalog_shape(matrix):
    catalog = matrix["catalog"]
    body = api_client(matrix["users"]["owner"]).get(f"/api/v1/catalogs/{catalog.pk}/").json()

    assert body["id"] == catalog.pk
    assert body["language"] == "es"
    assert body["owner"] == "owner"
    assert body["visibility"] == "private"
    assert body["flashcard_count"] == 1
    assert body["role"] == "owner"
    assert body["share_url"] is None
    assert {"name", "description", "created_at", "updated_at"} <= body.keys()


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
    client = api_client(viewer)

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
    client = api_client(matrix["users"]["stranger"])

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
    response = api_client(matrix["users"]["editor"]).post(
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

    response = api_client(matrix["users"]["owner"]).post(
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
    response = api_client(matrix["users"]["owner"]).post(
        f"/api/v1/catalogs/{catalog.pk}/flashcards/", body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert Flashcard.objects.count() == 1


def test_add_an_existing_card_to_a_catalog(matrix):
    owner = matrix["users"]["owner"]
    other = CatalogFactory(owner=owner)
    response = api_client(owner).post(
        f"/api/v1/catalogs/{other.pk}/flashcards/",
        {"flashcard_id": matrix["card"].pk},
        format="json",
    )

    assert response.status_code == 201
    assert list(other.flashcards.all()) == [matrix["card"]]
    again = api_client(owner).post(
        f"/api/v1/catalogs/{other.pk}/flashcards/",
        {"flashcard_id": matrix["card"].pk},
        format="json",
    )
    assert again.status_code == 409


def test_copy_a_public_catalog_deeply(matrix):
    catalog, stranger = matrix["catalog"], matrix["users"]["stranger"]
    catalog.visibility = Catalog.Visibility.PUBLIC
    catalog.save()

    response = api_client(stranger).post(f"/api/v1/catalogs/{catalog.pk}/copy/")

    assert response.status_code == 201
    copy = Catalog.objects.get(pk=response.json()["id"])
    assert copy.owner == stranger
    assert copy.visibility == Catalog.Visibility.PRIVATE
    assert copy.copied_from == catalog
    copied_card = copy.flashcards.get()
    assert copied_card.owner == stranger
    assert copied_card.pk != matrix["card"].pk
    assert copied_card.front == "hola"
    body = api_client(stranger).get("/api/v1/catalogs/public/").json()
    assert body["results"][0]["learner_count"] == 1


def test_copying_someone_elses_private_catalog_is_a_404(matrix):
    response = api_client(matrix["users"]["stranger"]).post(
        f"/api/v1/catalogs/{matrix['catalog'].pk}/copy/"
    )

    assert response.status_code == 404
    assert Catalog.objects.count() == 1


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

    with django_assert_max_num_queries(3) as few:
        learner_api_client.get(f"/api/v1/catalogs/{catalog.pk}/flashcards/")
    CatalogFlashcardFactory.create_batch(15, catalog=catalog)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = learner_api_client.get(f"/api/v1/catalogs/{catalog.pk}/flashcards/")
    assert response.json()["count"] == 30
    # Neither the page nor the catalog's card count counts the catalog's rows.
    assert not membership_counts(many)


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
    response = api_client(matrix["users"]["owner"]).post(
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

    response = api_client(stranger).post(
        f"/api/v1/catalogs/{mine.pk}/flashcards/", {"flashcard_id": card.pk}, format="json"
    )

    assert response.status_code == 400
    assert "flashcard_id" in response.json()
    assert not mine.flashcards.exists()
    assert (
        api_client(stranger).patch(f"/api/v1/flashcards/{card.pk}/", {"back": "x"}).status_code
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
    response = getattr(api_client(matrix["users"]["owner"]), method)(
        url.format(c=catalog.pk), body, format="json"
    )

    assert response.status_code == 400
    assert "invisible control character" in str(response.json())
    assert field in str(response.json())
    assert Flashcard.objects.count() == 1
    catalog.refresh_from_db()
    assert "\x07" not in catalog.name
    assert catalog.description == ""
