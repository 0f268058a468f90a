import pytest

pytestmark = pytest.mark.django_db


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
