import re

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

EXTERNAL_ASSET = re.compile(r"""(src|href)=["']?(https?:)?//""")


def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_documentation_pages_render_from_our_own_static_files(client, page):
    response = client.get(page)

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert not EXTERNAL_ASSET.search(html), "documentation must not load anything from a CDN"


def test_swagger_ui_init_script_is_served_separately_for_the_csp(client):
    response = client.get("/docs?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_api_needs_authentication_by_default(api_client):
    response = api_client.get("/api/schema/")  # the schema is public, the data is not
    assert response.status_code == 200


def test_every_operation_that_needs_a_token_documents_its_401(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    secured = [
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") and {} not in operation["security"]
    ]
    assert ("get", "/api/v1/catalogs/") in secured
    assert all("401" in schema["paths"][path][method]["responses"] for method, path in secured)
    waitlist_join = schema["paths"]["/api/v1/waitlist/"]["post"]
    assert "401" not in waitlist_join["responses"]
    assert "404" in schema["paths"]["/api/v1/catalogs/public/"]["get"]["responses"]


def test_paths_naming_an_object_document_their_404_and_bodies_their_415(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert "404" in schema["paths"]["/api/v1/languages/{code}/"]["get"]["responses"]
    assert "415" in schema["paths"]["/api/v1/reviews/sync/"]["post"]["responses"]
    assert "415" not in schema["paths"]["/api/v1/catalogs/"]["get"]["responses"]


def test_an_unknown_language_is_a_404_and_a_body_without_media_type_a_415(learner_api_client):
    unknown = learner_api_client.get("/api/v1/languages/xx/")
    untyped = learner_api_client.generic("POST", "/api/v1/reviews/sync/", b"[]", content_type="")

    assert unknown.status_code == 404
    assert untyped.status_code == 415
    assert "Unsupported media type" in untyped.json()["detail"]
