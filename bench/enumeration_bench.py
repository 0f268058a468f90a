"""Does an answer take longer when the account exists? Reset, waitlist join and token, timed.

    .venv/bin/python bench/enumeration_bench.py [--requests 31]

Builds a throwaway SQLite database in a temporary folder with production settings
(bcrypt, `TASKS_BACKEND=database`, throttles and lockout limits raised out of the way),
makes one learner, and then asks each endpoint alternately about a known and an unknown
account, through Django's test client (no network), `--requests` times each. It prints
the median time of each side and their ratio. Results: docs/reliability.md.

`pairs` and `measure` are also run at a tiny size by bench/tests/test_enumeration_bench.py,
with the test settings, so that this script does not rot.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 (the throwaway learner's)


@dataclass(frozen=True)
class Pair:
    """One endpoint asked about a known and an unknown account; each call sends one request."""

    name: str
    known: Callable[[], Any]
    unknown: Callable[[], Any]


def pairs(client: Any, email: str, username: str) -> list[Pair]:
    new = count()

    def post(path: str, body: dict[str, str]) -> Callable[[], Any]:
        return lambda: client.post(path, body, content_type="application/json")

    def join_new() -> Any:
        body = {"email": f"newcomer{next(new)}@example.com"}
        return client.post("/api/v1/waitlist/", body, content_type="application/json")

    reset, token = "/api/v1/auth/password/reset/", "/api/v1/auth/token/"
    return [
        Pair(
            "password reset",
            post(reset, {"email": email}),
            post(reset, {"email": "nobody@example.com"}),
        ),
        Pair("waitlist join", post("/api/v1/waitlist/", {"email": email}), join_new),
        Pair(
            "token, wrong password",
            post(token, {"username": username, "password": "guess"}),
            post(token, {"username": "nobody", "password": "guess"}),
        ),
    ]


def measure(points: list[Pair], requests: int) -> dict[str, tuple[float, float]]:
    """Median milliseconds of the known and the unknown side, alternating, after a warm-up."""
    medians = {}
    for point in points:
        point.known(), point.unknown()
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for _ in range(requests):
            for side, call in (("known", point.known), ("unknown", point.unknown)):
                start = time.perf_counter()
                call()
                times[side].append((time.perf_counter() - start) * 1000)
        medians[point.name] = (
            statistics.median(times["known"]),
            statistics.median(times["unknown"]),
        )
    return medians


def report(medians: dict[str, tuple[float, float]]) -> str:
    lines = ["| endpoint | known (ms) | unknown (ms) | known / unknown |", "|---|---|---|---|"]
    for name, (known, unknown) in medians.items():
        lines.append(f"| {name} | {known:.1f} | {unknown:.1f} | {known / unknown:.2f} |")
    return "\n".join(lines)


def configure(folder: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cerego.settings",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "TASKS_BACKEND": "database",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "ERROR",
            "THROTTLE_WAITLIST_RATE": "100000/minute",
            "THROTTLE_TOKEN_RATE": "100000/minute",
            "THROTTLE_PASSWORD_RESET_RATE": "100000/minute",
            "AXES_FAILURE_LIMIT": "100000",
            "ACCOUNT_LOCKOUT_USERNAME_LIMIT": "100001",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=31)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        configure(folder)
        from django.core.management import call_command
        from django.test import Client

        from accounts.services import user_create

        call_command("migrate", verbosity=0)
        user = user_create(username="known", email="known@example.com", password=PASSWORD)
        medians = measure(pairs(Client(), user.email, user.username), args.requests)
        print(report(medians))


if __name__ == "__main__":
    main()
