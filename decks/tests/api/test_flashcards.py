import pytest

from decks.models import CatalogFlashcard
from decks.tests.clients import api_client
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, FlashcardFactory
from decks.tests.queries import membership_counts

pytestmark = pytest.mark.django_db


def test_flashcard_shape(matrix):
    card = matrix["card"]
    body = api_client(matrix["users"]["viewer"]).get(f"/api/v1/flashcards/{card.pk}/").json()

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

    response = api_client(owner).patch(
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

    response = api_client(owner).patch(
        f"/api/v1/flashcards/{card.pk}/", {"front": "¡Hola!"}, format="json"
    )

    assert response.status_code == 200
    assert set(card.memberships.values_list("front_normalized", flat=True)) == {"¡hola!"}


def test_flashcard_list_filters(matrix, french):
    owner = matrix["users"]["owner"]
    loose = FlashcardFactory(owner=owner, language=french, front="chat", back="cat")
    client = api_client(owner)

    assert client.get("/api/v1/flashcards/").json()["count"] == 2
    assert [c["id"] for c in client.get("/api/v1/flashcards/?language=fr").json()["results"]] == [
        loose.pk
    ]
    in_catalog = client.get(f"/api/v1/flashcards/?catalog={matrix['catalog'].pk}").json()
    assert [c["id"] for c in in_catalog["results"]] == [matrix["card"].pk]
    assert client.get("/api/v1/flashcards/?search=CHA").json()["count"] == 1
    stranger = api_client(matrix["users"]["stranger"])
    assert stranger.get(f"/api/v1/flashcards/?catalog={matrix['catalog'].pk}").status_code == 404


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


def test_a_catalogs_cards_cost_the_same_queries_at_any_size_and_count_nothing(
    learner, learner_api_client, django_assert_max_num_queries
):
    catalog = CatalogFactory(owner=learner)
    CatalogFlashcardFactory.create_batch(3, catalog=catalog)
    with django_assert_max_num_queries(3) as few:
        learner_api_client.get(f"/api/v1/flashcards/?catalog={catalog.pk}")
    CatalogFlashcardFactory.create_batch(30, catalog=catalog)

    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = learner_api_client.get(f"/api/v1/flashcards/?catalog={catalog.pk}")

    assert (response.json()["count"], len(response.json()["results"])) == (33, 20)
    assert membership_counts(many) == []  # the count is the catalog's counter


def test_a_filtered_page_of_a_catalog_counts_what_it_found(learner, learner_api_client):
    catalog = CatalogFactory(owner=learner)
    CatalogFlashcardFactory.create_batch(3, catalog=catalog)
    CatalogFlashcardFactory(catalog=catalog, flashcard__front="manzana")

    found = learner_api_client.get(f"/api/v1/flashcards/?catalog={catalog.pk}&search=manzana")
    in_catalog = learner_api_client.get(f"/api/v1/catalogs/{catalog.pk}/flashcards/?search=manzana")

    assert found.json()["count"] == in_catalog.json()["count"] == 1


@pytest.mark.parametrize("value", ["²", "٣", "1²", "abc", "-1"])
def test_a_catalog_filter_that_is_not_ascii_digits_is_a_400(learner_api_client, value):
    response = learner_api_client.get("/api/v1/flashcards/", {"catalog": value})

    assert response.status_code == 400
    assert "catalog" in response.json()


def test_a_card_sent_with_html_keeps_its_formatting_only(learner_api_client, spanish):
    created = learner_api_client.post(
        "/api/v1/flashcards/",
        {
            "front": "<ruby>猫<rt>ねこ</rt></ruby>",
            "back": '<strong>cat</strong><img src=x onerror="alert(1)"> & <b class="x">kitten</b>',
            "language": "es",
        },
        format="json",
    )

    assert created.status_code == 201
    body = learner_api_client.get(f"/api/v1/flashcards/{created.json()['id']}/").json()
    assert (body["front"], body["back"]) == (
        "<ruby>猫<rt>ねこ</rt></ruby>",
        "<b>cat</b> & <b>kitten</b>",
    )
