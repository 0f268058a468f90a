"""Under /api/ every refusal is JSON, with DEBUG on (scripts/run) as with it off."""

import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import RequestFactory

from cerego.views import bad_request

pytestmark = pytest.mark.django_db

BOTH_MODES = pytest.mark.parametrize(
    "debug", [False, True], ids=["production", "debug"], indirect=True
)


@pytest.fixture
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def json_detail(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    return response.json()["detail"]


@BOTH_MODES
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope/",
        "/api/v1/catalogs/abc/",
        "/api/v1/flashcards/abc/",
        "/api/v1/catalogs/1/nope/",
        "/api/v1/languages/es/nope/",
        "/api/nope",
        "/api/",
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_or_malformed_api_path_is_a_json_404(client, debug, path, method):
    response = getattr(client, method)(path)

    assert json_detail(response, 404) == "Not found."


@BOTH_MODES
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_missing_trailing_slash_is_a_json_404_naming_the_path_to_use(client, debug, method):
    catalogs = getattr(client, method)("/api/v1/catalogs")
    token = getattr(client, method)("/api/v1/auth/token", {"username": "ada"})

    assert json_detail(catalogs, 404).endswith("needs a trailing slash, /api/v1/catalogs/")
    assert json_detail(token, 404).endswith("needs a trailing slash, /api/v1/auth/token/")


def test_pages_keep_their_redirect_to_the_trailing_slash_and_their_html_404(client):
    assert client.get("/login").headers["Location"] == "/login/"
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


@BOTH_MODES
def test_a_bad_host_header_is_a_json_400(client, debug):
    response = client.get("/api/v1/languages/", HTTP_HOST="evil.example")

    assert json_detail(response, 400) == "Invalid Host header."


@BOTH_MODES
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (json.dumps({"username": "x" * 3_000_000}), "application/json"),
        ("username=" + "x" * 3_000_000, "application/x-www-form-urlencoded"),
    ],
    ids=["json", "form"],
)
def test_an_over_size_body_is_a_json_400(client, debug, body, content_type):
    response = client.post("/api/v1/auth/token/", body, content_type=content_type)

    assert json_detail(response, 400) == "The request body is too large."


@BOTH_MODES
def test_too_many_form_fields_are_a_json_400(client, debug):
    fields = "&".join(f"field{n}=1" for n in range(1_001))
    response = client.post(
        "/api/v1/auth/token/", fields, content_type="application/x-www-form-urlencoded"
    )

    assert json_detail(response, 400) == "The request has too many fields."


@BOTH_MODES
def test_json_nested_100000_levels_deep_is_a_400_not_a_recursion_error(client, debug):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")

    assert json_detail(response, 400) == "JSON parse error - nested too deeply."


def test_the_400_handler_answers_json_for_the_api_and_html_for_pages():
    api = bad_request(RequestFactory().post("/api/v1/catalogs/"), RequestDataTooBig())
    page = bad_request(RequestFactory().post("/catalogs/new/"), RequestDataTooBig())

    assert json.loads(api.content) == {"detail": "The request body is too large."}
    assert (api.status_code, page.status_code) == (400, 400)
    assert page["Content-Type"].startswith("text/html")
