"""Two app instances behind one database and one Redis behave as one.

Two gunicorns with the production settings, on a PostgreSQL cluster and a Redis of the
test's own; every request goes to the other instance than the one before: a session made
on one is signed in on the other, a token from one works on the other, a quiz drawn on one
is answered on the other (and a second answer refused there), an offline batch synced on
one is a duplicate on the other, a spent refresh token is refused by both, and lockout and
throttle counts add up across the two.
"""

import http.client
import json
import re
import uuid
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from itertools import cycle
from pathlib import Path
from urllib.parse import urlencode

import pytest

from cerego.tests.servers import Gunicorn, RedisServer, manage, web_env

PASSWORD = "a-long-test-passphrase-2026"
THROTTLE_RATE = 12  # login attempts per minute and client, counted in Redis

SEED = f"""
from accounts.services import user_create
from decks.models import Language
from decks.services.catalogs import catalog_create
from decks.services.flashcards import flashcard_create
from quizzes.services.quiz_types import quiz_types_seed
quiz_types_seed()
spanish, _ = Language.objects.get_or_create(code="es", defaults={{"name": "Spanish"}})
ines = user_create(username="ines", email="ines@example.com", password={PASSWORD!r})
user_create(username="target", email="target@example.com", password={PASSWORD!r})
catalog = catalog_create(owner=ines, name="Animals", language=spanish)
for front, back in [("gato", "cat"), ("perro", "dog"), ("caballo", "horse")]:
    flashcard_create(owner=ines, catalog=catalog, front=front, back=back)
print(catalog.pk)
"""


class Instances:
    """Requests to each instance in turn, each over a connection of its own."""

    def __init__(self, servers: list[Gunicorn]) -> None:
        self.ports = cycle([server.port for server in servers])
        self.login_attempts = 0

    def request(self, method: str, path: str, body=None, headers=None, form=False):
        """(status, headers, body) from the next instance."""
        connection = http.client.HTTPConnection("127.0.0.1", next(self.ports), timeout=30)
        headers = dict(headers or {})
        if body is not None and form:
            payload = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        else:
            payload = None
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()

    def api(self, method: str, path: str, token: str | None = None, body=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        status, _, text = self.request(method, path, body, headers)
        return status, json.loads(text) if text else None

    def token(self, username: str, password: str):
        self.login_attempts += 1
        return self.api(
            "POST", "/api/v1/auth/token/", body={"username": username, "password": password}
        )


@pytest.fixture
def instances(cluster, tmp_path: Path):
    redis = RedisServer()
    redis.start()
    env = web_env(cluster.url, tmp_path) | {
        "REDIS_URL": redis.url,
        "THROTTLE_TOKEN_RATE": f"{THROTTLE_RATE}/minute",
    }
    catalog = int(manage(env, "shell", "--no-imports", "-c", SEED).strip())
    servers = [Gunicorn(env, tmp_path), Gunicorn(env, tmp_path)]
    try:
        for server in servers:
            server.start()
        yield Instances(servers), catalog
    finally:
        for server in servers:
            server.stop()
        redis.stop()


def cookies_of(headers) -> dict[str, str]:
    jar = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def test_two_instances_behave_as_one(instances):
    app, catalog = instances

    # A session made by a login on one instance is signed in on the other.
    status, headers, page = app.request("GET", "/login/")
    assert status == 200
    csrf = cookies_of(headers)["csrftoken"]
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    app.login_attempts += 1
    status, headers, _ = app.request(
        "POST",
        "/login/",
        {"username": "ines", "password": PASSWORD, "csrfmiddlewaretoken": form_token},
        {"Cookie": f"csrftoken={csrf}"},
        form=True,
    )
    assert status == 302
    session = cookies_of(headers)["sessionid"]
    status, _, page = app.request("GET", "/catalogs/", headers={"Cookie": f"sessionid={session}"})
    assert status == 200
    assert "Animals" in page

    # A token from one works on the other; a quiz drawn on one is answered on the other.
    status, tokens = app.token("ines", PASSWORD)
    assert status == 200
    access = tokens["access"]
    status, quiz = app.api(
        "POST", "/api/v1/quizzes/", access, {"catalog": catalog, "size": 3, "quiz_types": ["flip"]}
    )
    assert status == 201
    question = quiz["questions"][0]
    answer = {"question": question["id"], "rating": 3, "response_ms": 3000}
    status, result = app.api("POST", f"/api/v1/quizzes/{quiz['id']}/answers/", access, answer)
    assert status == 200
    assert result["rating"] == 3
    status, _ = app.api("POST", f"/api/v1/quizzes/{quiz['id']}/answers/", access, answer)
    assert status == 409
    status, read = app.api("GET", f"/api/v1/quizzes/{quiz['id']}/", access)
    assert read["answered"] == 1

    # An offline batch synced on one is a duplicate on the other.
    batch = [
        {
            "client_review_id": str(uuid.uuid4()),
            "flashcard": quiz["questions"][1]["flashcard"],
            "rating": 3,
            "reviewed_at": datetime.now(UTC).isoformat(),
            "quiz_type": "flip",
        }
    ]
    status, first = app.api("POST", "/api/v1/reviews/sync/", access, batch)
    assert [r["status"] for r in first["results"]] == ["applied"]
    status, second = app.api("POST", "/api/v1/reviews/sync/", access, batch)
    assert [r["status"] for r in second["results"]] == ["duplicate"]

    # A refresh token rotated on one is spent on the other.
    status, _ = app.api("POST", "/api/v1/auth/token/refresh/", body={"refresh": tokens["refresh"]})
    assert status == 200
    status, _ = app.api("POST", "/api/v1/auth/token/refresh/", body={"refresh": tokens["refresh"]})
    assert status == 401

    # Failed logins for one account add up across instances until it is locked.
    answers = [app.token("target", "not the password")[0] for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]  # as on one instance
    status, locked = app.token("target", PASSWORD)
    assert status == 429
    assert "locked" in locked["detail"]

    # The per-client login throttle counts in Redis, so both instances see every attempt.
    statuses = [app.token("ines", PASSWORD)[0] for _ in range(THROTTLE_RATE)]
    allowed = THROTTLE_RATE - (app.login_attempts - len(statuses))
    assert statuses == [200] * allowed + [429] * (len(statuses) - allowed)
