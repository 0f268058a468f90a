import io
import json
import logging
import uuid

import pytest
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from cerego.request_id import RequestIdFilter

pytestmark = pytest.mark.django_db


def test_home_page_uses_vendored_htmx_with_a_csp_nonce(client):
    response = client.get("/")

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    nonce = re_search(r"'nonce-([^']+)'", policy)
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "X-CSRFToken" in html
    assert "default-src 'self'" in policy


def test_favicon_ico_leads_to_the_icon_for_pages_that_name_none(client):
    response = client.get("/favicon.ico", follow=True)

    assert response.redirect_chain == [("/static/favicon.svg", 302)]
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"


def test_static_files_are_served_by_whitenoise(client):
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200


def test_missing_page_is_our_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_every_log_line_of_a_request_carries_its_request_id(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter = settings.LOGGING["formatters"]["json"]
    handler.setFormatter(
        JsonFormatter(formatter["format"], rename_fields=formatter["rename_fields"])
    )
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    request_id = uuid.uuid4().hex
    try:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID=request_id)
    finally:
        logger.removeHandler(handler)

    assert response["X-Request-ID"] == request_id
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == request_id
    assert line["level"] == "WARNING"
    assert "Not Found" in line["message"]


def re_search(pattern: str, text: str) -> str:
    import re

    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in {text!r}"
    return match.group(1)


def test_a_request_without_an_id_gets_a_fresh_one(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert len(first) == 32
    assert first != second


@pytest.mark.parametrize(
    "forged", ["short", "x" * 65, "id with spaces", "<script>alert(1)</script>"]
)
def test_an_implausible_incoming_id_is_replaced(client, forged):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=forged)

    assert response["X-Request-ID"] != forged
    assert len(response["X-Request-ID"]) == 32
