"""The database goes away under a running app: the API answers JSON 503, the pages a
friendly 503, `/readyz` 503; when it is back the same processes serve again, unrestarted.

The test runs its own PostgreSQL cluster on a free port (never the machine's own server)
and gunicorn with the production settings against it.
"""

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cerego.tests.servers import Gunicorn, manage, wait_until, web_env

PASSWORD = "a-long-test-passphrase-2026"

SIGN_IN = f"""
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from accounts.services import user_create
user = user_create(username="ines", email="ines@example.com", password={PASSWORD!r})
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "accounts.backends.UsernameOrEmailBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def fetch(url: str, *, data: dict | None = None, headers: dict | None = None):
    """(status, headers, body) of one request; HTTP errors are answers like any other."""
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 - loopback
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def app(cluster, tmp_path: Path):
    """gunicorn with the production settings on the cluster, and a signed-in learner."""
    env = web_env(cluster.url, tmp_path)
    session_key = manage(env, "shell", "--no-imports", "-c", SIGN_IN).strip()
    server = Gunicorn(env, tmp_path)
    try:
        server.start()
        yield server.url, session_key, server.log
    finally:
        server.stop()


def test_the_app_answers_503_while_the_database_is_away_and_recovers(cluster, app):
    base, session_key, log = app
    status, _, body = fetch(
        f"{base}/api/v1/auth/token/", data={"username": "ines", "password": PASSWORD}
    )
    assert status == 200, body
    api = {"Authorization": f"Bearer {json.loads(body)['access']}"}
    page = {"Cookie": f"sessionid={session_key}"}
    assert fetch(f"{base}/api/v1/auth/me/", headers=api)[0] == 200
    assert fetch(f"{base}/catalogs/", headers=page)[0] == 200, log.read_text()

    cluster.stop()

    status, headers, body = fetch(f"{base}/api/v1/auth/me/", headers=api)
    assert (status, headers["Content-Type"]) == (503, "application/json")
    assert "briefly unavailable" in json.loads(body)["detail"]
    assert headers["Retry-After"] == "5"
    status, headers, body = fetch(f"{base}/catalogs/", headers=page)
    assert status == 503
    assert "Back in a moment" in body
    assert "Traceback" not in body
    status, _, body = fetch(f"{base}/readyz")
    assert status == 503
    assert json.loads(body)["checks"]["database"] == "unavailable"

    cluster.start()
    started = time.monotonic()

    wait_until(lambda: fetch(f"{base}/readyz")[0] == 200, 10, "readiness after the restart")
    assert fetch(f"{base}/api/v1/auth/me/", headers=api)[0] == 200
    status, _, body = fetch(f"{base}/catalogs/", headers=page)
    assert status == 200
    assert "ines" in body
    assert time.monotonic() - started < 10
