"""The access matrix: every route of the site, every method it answers, as each of six
people, with the status each must get (SPEC §4, "Permissions everywhere").

One object graph serves the whole module (built once, rolled back at the end; each test
runs in its own savepoint): the owner's private catalog with cards, shared with a viewer
and an editor; an unlisted catalog with its share link; the owner's open quiz and import
job; a waitlist entry. A stranger and a staff member have no share: another learner's
private catalog, card, quiz, session, progress or import is a 404 to them, never a 403
that would tell them it exists. A refused request (401, 403, 404, 405, a redirect to a
login page, or an `Unchanged` answer) must leave every row of the database as it was.

`test_every_route_has_an_entry` walks the URL configuration: a route added without an entry
in ROUTES fails it, with the entry to write. To add one: pick the expectations below
(PAGE_READ, page_edit(...), API_READ, api_own(...), ...) or write `roles(...)` by hand.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from cerego.tests.markup import parse
from decks.models import (
    Catalog,
    CatalogShare,
    Flashcard,
    FlashcardShare,
    ImportJob,
    Role,
    new_share_token,
)
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, LanguageFactory
from quizzes.models import Quiz
from quizzes.selectors.reminders import unsubscribe_token
from quizzes.selectors.settings import study_settings_of
from quizzes.services.quiz_types import quiz_types_seed
from quizzes.services.quizzes import quiz_create
from waitlist.models import WaitlistEntry
from waitlist.tests.factories import WaitlistEntryFactory

ROLES = ("anonymous", "stranger", "viewer", "editor", "owner", "staff")

LOGIN = "login"  # 302 to the login page
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page


@dataclass(frozen=True)
class Unchanged:
    """Answered with `status`, and nothing in the database changed (a refusal said in
    the body, as the sync endpoint does per item)."""

    status: int


Expect = int | str | Unchanged
REFUSED = {401, 403, 404, 405, LOGIN, ADMIN_LOGIN}


def roles(
    anonymous: Expect,
    stranger: Expect,
    viewer: Expect,
    editor: Expect,
    owner: Expect,
    staff: Expect,
) -> dict[str, Expect]:
    """The status each person gets, in the order of ROLES."""
    return dict(zip(ROLES, (anonymous, stranger, viewer, editor, owner, staff), strict=True))


def everyone(status: Expect, *, anonymous: Expect | None = None) -> dict[str, Expect]:
    """The same answer for every signed-in person (and `anonymous`, else the same too)."""
    return roles(status if anonymous is None else anonymous, *[status] * 5)


# Pages (session login) about the owner's private catalog or one of its cards.
PAGE_READ = roles(LOGIN, 404, 200, 200, 200, 404)


def page_edit(done: Expect) -> dict[str, Expect]:
    return roles(LOGIN, 404, 403, done, done, 404)


def page_own(done: Expect) -> dict[str, Expect]:
    return roles(LOGIN, 404, 403, 403, done, 404)


def page_mine(done: Expect) -> dict[str, Expect]:
    """Something only the owner has (their quiz, their import): a 404 to anyone else."""
    return roles(LOGIN, 404, 404, 404, done, 404)


def signed_in(status: Expect) -> dict[str, Expect]:
    return everyone(status, anonymous=LOGIN)


# The API (bearer tokens): 401 without one.
API_READ = roles(401, 404, 200, 200, 200, 404)


def api_edit(done: Expect) -> dict[str, Expect]:
    return roles(401, 404, 403, done, done, 404)


def api_own(done: Expect) -> dict[str, Expect]:
    return roles(401, 404, 403, 403, done, 404)


def api_mine(done: Expect) -> dict[str, Expect]:
    return roles(401, 404, 404, 404, done, 404)


def api_signed_in(status: Expect) -> dict[str, Expect]:
    return everyone(status, anonymous=401)


STAFF_API = roles(401, 403, 403, 403, 403, 200)


@dataclass
class World:
    users: dict[str, User | None]
    outsider: User
    private: Catalog  # the owner's, shared with the viewer and the editor
    card: Flashcard  # in `private`, shared on its own with the outsider
    unlisted: Catalog  # the owner's, opened by its share link
    public: Catalog  # the owner's, in the library
    viewer_share: CatalogShare
    card_share: FlashcardShare
    quiz: Quiz  # the owner's open quiz on `private`
    lost_quiz: Quiz  # the stranger's, drawn on `private` while it was shared with them
    job: ImportJob  # the owner's
    preview: ImportJob  # the owner's, read and waiting for its languages to be confirmed
    entry: WaitlistEntry
    admin_objects: dict[str, int] = field(default_factory=dict)

    @property
    def owner(self) -> User:
        owner = self.users["owner"]
        assert owner is not None
        return owner


Data = dict[str, Any] | list[Any] | Callable[[World], Any] | None


@dataclass(frozen=True)
class Call:
    expect: dict[str, Expect]
    data: Data = None
    multipart: bool = False


@dataclass(frozen=True)
class Route:
    url: Callable[[World], str]
    calls: dict[str, Call]


def route(url: Callable[[World], str], **calls: Call | dict[str, Expect]) -> Route:
    """A route and, per method, what each person gets (a Call when the request has a body)."""
    return Route(url, {m: c if isinstance(c, Call) else Call(c) for m, c in calls.items()})


def to(name: str, *attrs: str, query: str = "") -> Callable[[World], str]:
    """The URL of `name` with the pks of these World attributes as its arguments, and a
    query string formatted with the world as `w` (`?catalog={w.private.pk}`)."""

    def url(world: World) -> str:
        args = [getattr(world, attr).pk for attr in attrs]
        return reverse(name, args=args) + query.format(w=world)

    return url


def csv_upload(world: World) -> dict[str, Any]:
    words = SimpleUploadedFile("words.csv", b"front,back\nnuevo,new\n", content_type="text/csv")
    return {"file": words, "catalog": world.private.pk}


def answer(world: World, quiz: Quiz | None = None) -> dict[str, Any]:
    """An answer to the first question of `quiz` (the owner's) that it accepts, right or
    wrong, whatever its quiz type."""
    question = (quiz or world.quiz).questions.order_by("position").first()
    assert question is not None
    given = "true" if question.quiz_type.code == "true_false" else (question.choices or ["?"])[0]
    return {"question": question.pk, "answer": given, "rating": 3, "response_ms": 900}


def sync_item(world: World) -> list[dict[str, Any]]:
    return [
        {
            "client_review_id": str(uuid4()),
            "flashcard": world.card.pk,
            "rating": 3,
            "reviewed_at": datetime.now(UTC).isoformat(),
            "response_ms": 900,
        }
    ]


NEW_CARD = {"front": "nuevo", "back": "new"}
SHARE_OUTSIDER = {"user": "outsider", "role": Role.VIEWER}

ROUTES: dict[str, Route] = {
    # --- Site plumbing -------------------------------------------------------------------
    "home": route(
        lambda w: "/",
        GET=everyone(200),
        # Visitors join the waitlist; the signed-in dashboard takes no POST.
        POST=Call(everyone(405, anonymous=302), {"email": "hopeful@example.com"}),
    ),
    "healthz": route(lambda w: "/healthz", GET=everyone(200)),
    # Served by whitenoise's middleware before any route: public, to everyone.
    "(static files)": route(lambda w: "/static/favicon.svg", GET=everyone(200)),
    "readyz": route(lambda w: "/readyz", GET=everyone(200)),
    "favicon": route(lambda w: "/favicon.ico", GET=everyone(302)),  # to the static file
    "schema": route(lambda w: "/api/schema/", GET=everyone(200)),
    "swagger-ui": route(lambda w: "/docs", GET=everyone(200)),
    "redoc": route(lambda w: "/redoc", GET=everyone(200)),
    "api-not-found": route(lambda w: "/api/v1/nothing-here/", GET=everyone(404)),
    # --- Accounts pages ------------------------------------------------------------------
    "login": route(
        to("login"),
        GET=everyone(302, anonymous=200),  # signed in already: sent home
        POST=Call(everyone(302, anonymous=200), {"username": "owner", "password": "wrong"}),
    ),
    "logout": route(to("logout"), GET=everyone(405), POST=everyone(302)),
    "profile": route(to("profile"), GET=signed_in(200), POST=Call(signed_in(200), {})),
    "password_change": route(
        to("password_change"), GET=signed_in(200), POST=Call(signed_in(200), {})
    ),
    "password_change_done": route(to("password_change_done"), GET=signed_in(200)),
    "password_reset": route(
        to("password_reset"),
        GET=everyone(200),
        POST=Call(everyone(302), {"email": "nobody@example.com"}),
    ),
    "password_reset_done": route(to("password_reset_done"), GET=everyone(200)),
    "password_reset_confirm": route(
        lambda w: reverse("password_reset_confirm", args=["MQ", "no-such-token"]),
        GET=everyone(200),  # the page says the link is invalid
        POST=Call(everyone(200), {"new_password1": "x", "new_password2": "x"}),
    ),
    "password_reset_complete": route(to("password_reset_complete"), GET=everyone(200)),
    "register": route(
        to("register"),
        GET=everyone(302, anonymous=200),  # signed in already: sent home
        POST=Call(everyone(302, anonymous=200), {}),
    ),
    # --- Learning pages ------------------------------------------------------------------
    "settings": route(to("settings"), GET=signed_in(200), POST=Call(signed_in(200), {})),
    # Both ask the password again: a post without it shows the form with its error.
    "account-export": route(
        to("account-export"), GET=signed_in(200), POST=Call(signed_in(200), {})
    ),
    "account-delete": route(
        to("account-delete"), GET=signed_in(200), POST=Call(signed_in(200), {})
    ),
    "settings-optimize": route(to("settings-optimize"), GET=signed_in(405), POST=signed_in(302)),
    # The signed link authorises, whoever follows it (one-click unsubscribe from a mail).
    "reminders-unsubscribe": route(
        lambda w: reverse("reminders-unsubscribe") + f"?token={unsubscribe_token(w.owner)}",
        GET=everyone(200),
        POST=everyone(200),
    ),
    # Start a session: one is drawn (303 to it), or nothing is due (302 back, with why).
    "study-all": route(
        to("study-all"), GET=signed_in(200), POST=roles(LOGIN, 302, 303, 303, 303, 302)
    ),
    "study-catalog": route(
        to("study-catalog", "private"),
        GET=roles(LOGIN, 404, 200, 200, 302, 404),  # the owner resumes the open quiz
        POST=roles(LOGIN, 404, 303, 303, 303, 404),
    ),
    "study-session": route(
        to("study-session", "quiz"), GET=page_mine(200), POST=Call(page_mine(303), answer)
    ),
    # A session on a catalog no longer shared with its learner shows none of its cards.
    "study-session[share revoked]": route(
        to("study-session", "lost_quiz"),
        GET=page_mine(404),
        POST=Call(page_mine(404), lambda w: answer(w, w.lost_quiz)),
    ),
    # An unlisted catalog: by its id only to its owner; with its link, anyone studies it.
    "decks:catalog-detail[unlisted]": route(
        to("decks:catalog-detail", "unlisted"), GET=page_mine(200)
    ),
    "study-catalog[unlisted, by its link]": route(
        to("study-catalog", "unlisted", query="?share={w.unlisted.share_token}"),
        GET=signed_in(200),
        POST=signed_in(303),
    ),
    "statistics": route(to("statistics", query="?catalog={w.private.pk}"), GET=PAGE_READ),
    "card-detail": route(to("card-detail", "card"), GET=PAGE_READ),
    # --- Catalog pages -------------------------------------------------------------------
    "decks:catalog-list": route(to("decks:catalog-list"), GET=signed_in(200)),
    "decks:catalog-create": route(
        to("decks:catalog-create"),
        GET=signed_in(200),
        POST=Call(signed_in(302), {"name": "Mine", "visibility": Catalog.Visibility.PRIVATE}),
    ),
    "decks:catalog-detail": route(
        to("decks:catalog-detail", "private"),
        GET=PAGE_READ,
        POST=Call(page_edit(302), NEW_CARD),
    ),
    # A public catalog: everyone signed in reads it; only its owner changes it.
    "decks:catalog-detail[public]": route(
        to("decks:catalog-detail", "public"),
        GET=signed_in(200),
        POST=Call(roles(LOGIN, 403, 403, 403, 302, 403), NEW_CARD),
    ),
    "decks:catalog-delete[public]": route(
        to("decks:catalog-delete", "public"), POST=roles(LOGIN, 403, 403, 403, 302, 403)
    ),
    "decks:catalog-settings": route(
        to("decks:catalog-settings", "private"),
        GET=page_own(200),
        POST=Call(page_own(302), {"name": "Renamed", "visibility": Catalog.Visibility.PRIVATE}),
    ),
    "decks:catalog-delete": route(
        to("decks:catalog-delete", "private"), GET=page_own(200), POST=page_own(302)
    ),
    "decks:catalog-copy": route(
        to("decks:catalog-copy", "private"),
        GET=signed_in(405),
        POST=roles(LOGIN, 404, 302, 302, 302, 404),
    ),
    "decks:card-edit": route(
        to("decks:card-edit", "private", "card"),
        GET=page_edit(200),
        POST=Call(page_edit(302), {"front": "hola", "back": "hello"}),
    ),
    "decks:card-remove": route(
        to("decks:card-remove", "private", "card"), GET=page_edit(200), POST=page_edit(302)
    ),
    "decks:catalog-share": route(
        to("decks:catalog-share", "private"),
        GET=page_own(200),
        POST=Call(page_own(302), SHARE_OUTSIDER),
    ),
    "decks:catalog-share-revoke": route(
        to("decks:catalog-share-revoke", "private", "viewer_share"),
        GET=signed_in(405),
        POST=page_own(302),
    ),
    # A private catalog has no link: the owner is told so (a message, then back).
    "decks:catalog-share-link": route(
        to("decks:catalog-share-link", "private"),
        GET=signed_in(405),
        POST=page_own(302),
    ),
    "decks:flashcard-share": route(
        to("decks:flashcard-share", "card"),
        GET=page_own(200),
        POST=Call(page_own(302), SHARE_OUTSIDER),
    ),
    "decks:flashcard-share-revoke": route(
        to("decks:flashcard-share-revoke", "card", "card_share"),
        GET=signed_in(405),
        POST=page_own(302),
    ),
    # Whoever holds the link of an unlisted catalog reads and copies it.
    "decks:catalog-shared": route(
        lambda w: reverse("decks:catalog-shared", args=[w.unlisted.share_token]),
        GET=signed_in(200),
    ),
    "decks:catalog-shared-copy": route(
        lambda w: reverse("decks:catalog-shared-copy", args=[w.unlisted.share_token]),
        GET=signed_in(405),
        POST=signed_in(302),
    ),
    "decks:library": route(to("decks:library"), GET=signed_in(200)),
    # --- Import and export pages ---------------------------------------------------------
    "imports:new": route(
        to("imports:new"),
        GET=signed_in(200),
        # Only catalogs one may edit are choices: anyone else's is "not a valid choice".
        POST=Call(roles(LOGIN, 400, 400, 302, 302, 400), csv_upload),
    ),
    "imports:export": route(to("imports:export", "private", query="?format=csv"), GET=PAGE_READ),
    "imports:export[public]": route(
        to("imports:export", "public", query="?format=csv"), GET=signed_in(200)
    ),
    "imports:detail": route(to("imports:detail", "job"), GET=page_mine(200)),
    # Confirming without a language for the deck is a form error (400) for the owner.
    "imports:preview": route(
        to("imports:preview", "preview"), GET=page_mine(200), POST=Call(page_mine(400), {})
    ),
    "imports:cancel": route(
        to("imports:cancel", "preview"), GET=roles(LOGIN, *[405] * 5), POST=page_mine(302)
    ),
    # --- Accounts API --------------------------------------------------------------------
    "token-obtain": route(
        to("token-obtain"),
        POST=Call(everyone(200), {"username": "owner", "password": DEFAULT_PASSWORD}),
    ),
    "token-refresh": route(to("token-refresh"), POST=Call(everyone(401), {"refresh": "nope"})),
    "api-logout": route(to("api-logout"), POST=Call(everyone(401), {"refresh": "nope"})),
    # Revokes every token of the caller's own account (the test client forces its login).
    "api-logout-everywhere": route(to("api-logout-everywhere"), POST=api_signed_in(204)),
    # Deleting the account needs the password again: without it, a 400 that deletes nothing.
    "api-me": route(
        to("api-me"),
        GET=api_signed_in(200),
        PATCH=Call(api_signed_in(200), {}),
        DELETE=Call(api_signed_in(400), {}),
    ),
    "api-account-export": route(to("api-account-export"), GET=api_signed_in(200)),
    "api-password-change": route(to("api-password-change"), POST=Call(api_signed_in(400), {})),
    "api-password-reset": route(
        to("api-password-reset"), POST=Call(everyone(202), {"email": "nobody@example.com"})
    ),
    "api-password-reset-confirm": route(
        to("api-password-reset-confirm"),
        POST=Call(everyone(400), {"uid": "MQ", "token": "no", "new_password": "x"}),
    ),
    "api-register": route(to("api-register"), POST=Call(everyone(400), {})),
    # --- Waitlist API --------------------------------------------------------------------
    "waitlist-join": route(
        to("waitlist-join"), POST=Call(everyone(202), {"email": "hopeful@example.com"})
    ),
    "waitlist-entry-list": route(to("waitlist-entry-list"), GET=STAFF_API),
    "waitlist-entry-approve": route(to("waitlist-entry-approve", "entry"), POST=STAFF_API),
    "waitlist-entry-reject": route(to("waitlist-entry-reject", "entry"), POST=STAFF_API),
    # --- Learning API --------------------------------------------------------------------
    "api-settings": route(
        to("api-settings"), GET=api_signed_in(200), PATCH=Call(api_signed_in(200), {})
    ),
    "api-settings-optimize": route(
        to("api-settings-optimize"), GET=api_signed_in(200), POST=api_signed_in(400)
    ),
    "api-settings-retention": route(to("api-settings-retention"), GET=api_signed_in(200)),
    # Another's private card is rejected in the body, exactly as a card that does not exist.
    "api-reviews-sync": route(
        to("api-reviews-sync"),
        POST=Call(roles(401, Unchanged(200), 200, 200, 200, Unchanged(200)), sync_item),
    ),
    "api-stats": route(to("api-stats", query="?catalog={w.private.pk}"), GET=API_READ),
    "quiz-type-list": route(to("quiz-type-list"), GET=api_signed_in(200)),
    "quiz-list": route(
        to("quiz-list"),
        GET=api_signed_in(200),
        POST=Call(roles(401, 404, 201, 201, 201, 404), lambda w: {"catalog": w.private.pk}),
    ),
    "quiz-detail": route(to("quiz-detail", "quiz"), GET=api_mine(200)),
    "quiz-answers": route(to("quiz-answers", "quiz"), POST=Call(api_mine(200), answer)),
    "quiz-detail[share revoked]": route(to("quiz-detail", "lost_quiz"), GET=api_mine(404)),
    "quiz-answers[share revoked]": route(
        to("quiz-answers", "lost_quiz"),
        POST=Call(api_mine(404), lambda w: answer(w, w.lost_quiz)),
    ),
    "progress-list": route(to("progress-list", query="?catalog={w.private.pk}"), GET=API_READ),
    "progress-summary": route(
        to("progress-summary", query="?catalog={w.private.pk}"), GET=API_READ
    ),
    "progress-history": route(to("progress-history", "card"), GET=API_READ),
    # --- Decks API -----------------------------------------------------------------------
    "language-list": route(to("language-list"), GET=api_signed_in(200)),
    "language-detail": route(
        lambda w: reverse("language-detail", args=["es"]), GET=api_signed_in(200)
    ),
    "catalog-list": route(
        to("catalog-list"),
        GET=api_signed_in(200),
        POST=Call(api_signed_in(201), {"name": "Mine"}),
    ),
    "catalog-public": route(to("catalog-public"), GET=api_signed_in(200)),
    "catalog-shared": route(
        lambda w: reverse("catalog-shared", args=[w.unlisted.share_token]), GET=api_signed_in(200)
    ),
    "catalog-shared-copy": route(
        lambda w: reverse("catalog-shared-copy", args=[w.unlisted.share_token]),
        POST=api_signed_in(201),
    ),
    "catalog-detail": route(
        to("catalog-detail", "private"),
        GET=API_READ,
        PATCH=Call(api_own(200), {"name": "Renamed"}),
        DELETE=api_own(204),
    ),
    "catalog-detail[public]": route(
        to("catalog-detail", "public"),
        GET=api_signed_in(200),
        PATCH=Call(roles(401, 403, 403, 403, 200, 403), {"name": "Renamed"}),
        DELETE=roles(401, 403, 403, 403, 204, 403),
    ),
    "catalog-flashcards[public]": route(
        to("catalog-flashcards", "public"),
        GET=api_signed_in(200),
        POST=Call(roles(401, 403, 403, 403, 201, 403), NEW_CARD),
    ),
    "catalog-shares[public]": route(
        to("catalog-shares", "public"), GET=roles(401, 403, 403, 403, 200, 403)
    ),
    "catalog-copy": route(to("catalog-copy", "private"), POST=roles(401, 404, 201, 201, 201, 404)),
    "catalog-flashcards": route(
        to("catalog-flashcards", "private"), GET=API_READ, POST=Call(api_edit(201), NEW_CARD)
    ),
    "catalog-flashcard-remove": route(
        to("catalog-flashcard-remove", "private", "card"), DELETE=api_edit(204)
    ),
    "catalog-shares": route(
        to("catalog-shares", "private"), GET=api_own(200), POST=Call(api_own(201), SHARE_OUTSIDER)
    ),
    "catalog-share-revoke": route(
        to("catalog-share-revoke", "private", "viewer_share"), DELETE=api_own(204)
    ),
    # A private catalog has no link: the owner is told so.
    "catalog-share-link": route(to("catalog-share-link", "private"), POST=api_own(400)),
    "api-catalog-import": route(
        to("api-catalog-import"),
        POST=Call(roles(401, 404, 403, 202, 202, 404), csv_upload, multipart=True),
    ),
    "api-catalog-export": route(
        to("api-catalog-export", "private", query="?format=csv"), GET=API_READ
    ),
    "api-import-detail": route(to("api-import-detail", "job"), GET=api_mine(200)),
    "flashcard-list": route(
        to("flashcard-list"),
        GET=api_signed_in(200),
        POST=Call(api_signed_in(201), NEW_CARD | {"language": "es"}),
    ),
    "flashcard-duplicates": route(
        to("flashcard-duplicates", query="?front=palabra+0&language=es"), GET=api_signed_in(200)
    ),
    "flashcard-detail": route(
        to("flashcard-detail", "card"),
        GET=API_READ,
        PATCH=Call(api_edit(200), {"back": "hello"}),
        DELETE=api_own(204),
    ),
    "flashcard-shares": route(
        to("flashcard-shares", "card"), GET=api_own(200), POST=Call(api_own(201), SHARE_OUTSIDER)
    ),
    "flashcard-share-revoke": route(
        to("flashcard-share-revoke", "card", "card_share"), DELETE=api_own(204)
    ),
}

# --- Django admin: staff only; anyone else is sent to the admin's login page -------------


def staff_only(staff: Expect, *, others: Expect = ADMIN_LOGIN) -> dict[str, Expect]:
    return roles(others, others, others, others, others, staff)


ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change")

# Per admin model, the status staff get on its changelist, add, history, delete and change
# pages (read-only models refuse adding or deleting: 403), then on POSTing its delete page
# (302: deleted). An object of each is in the world where one is cheap to make; the others
# are asked about object 0 (302: the admin says it does not exist, back to the index).
ADMIN_MODELS: dict[str, tuple[int, int, int, int, int, int]] = {
    "auth_group": (200, 200, 200, 200, 200, 302),
    "token_blacklist_outstandingtoken": (200, 403, 200, 403, 200, 403),
    "token_blacklist_blacklistedtoken": (200, 200, 200, 200, 200, 302),
    "django_tasks_database_dbtaskresult": (200, 403, 302, 403, 302, 403),
    "axes_accessattempt": (200, 403, 302, 302, 302, 302),
    "axes_accesslog": (200, 403, 302, 302, 302, 302),
    "axes_accessfailurelog": (200, 403, 302, 302, 302, 302),
    # Deleting a user would delete their audit trail, which no one may delete: refused.
    "accounts_user": (200, 200, 200, 200, 200, 403),
    "accounts_auditevent": (200, 403, 302, 403, 302, 403),
    # Cards and catalogs protect their language: the admin says it cannot be deleted.
    "decks_language": (200, 200, 200, 200, 200, 200),
    "decks_catalog": (200, 200, 200, 200, 200, 302),
    "decks_flashcard": (200, 403, 200, 200, 200, 302),
    "decks_importjob": (200, 403, 200, 403, 200, 403),
    "quizzes_quiztype": (200, 200, 200, 200, 200, 302),
    "quizzes_studysettings": (200, 200, 200, 200, 200, 302),
    "waitlist_waitlistentry": (200, 403, 200, 200, 200, 302),
}


def _admin_url(model: str, view: str) -> Callable[[World], str]:
    def url(world: World) -> str:
        if view in ("changelist", "add"):
            return reverse(f"admin:{model}_{view}")
        return reverse(f"admin:{model}_{view}", args=[world.admin_objects.get(model, 0)])

    return url


def admin_routes() -> dict[str, Route]:
    routes = {
        "admin:index": route(to("admin:index"), GET=staff_only(200)),
        "admin:login": route(
            to("admin:login"),
            GET=staff_only(302, others=200),  # staff are signed in already: the index
            POST=Call(everyone(200), {"username": "staffer", "password": "wrong"}),
        ),
        # Django's LogoutView takes only POST; the admin sends non-staff to its index.
        "admin:logout": route(
            to("admin:logout"), GET=staff_only(405, others=302), POST=everyone(302)
        ),
        "admin:password_change": route(to("admin:password_change"), GET=staff_only(200)),
        "admin:password_change_done": route(to("admin:password_change_done"), GET=staff_only(200)),
        "admin:autocomplete": route(to("admin:autocomplete"), GET=staff_only(403)),  # no field
        "admin:jsi18n": route(to("admin:jsi18n"), GET=staff_only(200)),
        "admin:view_on_site": route(
            lambda w: reverse(
                "admin:view_on_site",
                args=[ContentType.objects.get_for_model(Catalog).pk, w.private.pk],
            ),
            GET=staff_only(404),  # a catalog has no page of its own to show
        ),
        "admin:app_list": route(
            lambda w: reverse("admin:app_list", args=["decks"]), GET=staff_only(200)
        ),
        "admin:auth_user_password_change": route(
            lambda w: reverse("admin:auth_user_password_change", args=[w.owner.pk]),
            GET=staff_only(200),
        ),
        # The two unnamed admin routes: an object's short URL, and the catch-all.
        "admin:(object)": route(
            lambda w: f"/admin/decks/catalog/{w.private.pk}/", GET=staff_only(302)
        ),
        "admin:(catch-all)": route(lambda w: "/admin/no-such-page/", GET=staff_only(404)),
    }
    for model, statuses in ADMIN_MODELS.items():
        for view, status in zip(ADMIN_VIEWS, statuses, strict=False):
            calls: dict[str, Call | dict[str, Expect]] = {"GET": staff_only(status)}
            if view == "delete":
                calls["POST"] = Call(staff_only(statuses[5]), {"post": "yes"})
            routes[f"admin:{model}_{view}"] = route(_admin_url(model, view), **calls)
    return routes


ROUTES |= admin_routes()

# Answered before the URL configuration is read: no route, but an entry all the same.
OUTSIDE_URLCONF = {"(static files)"}

# Routes without a name, by the end of their pattern, and the entry that covers them.
UNNAMED = {"<path:object_id>/": "admin:(object)", "(?P<url>.*)$": "admin:(catch-all)"}


# --- The world ---------------------------------------------------------------------------


def _user(username: str, **extra: Any) -> User:
    return UserFactory.create(username=username, **extra)


def build_world() -> World:
    owner, viewer, editor, stranger, outsider = (
        _user(name) for name in ("owner", "viewer", "editor", "stranger", "outsider")
    )
    staff = _user("staffer", is_admin=True, is_superuser=True)
    spanish = LanguageFactory(code="es", name="Spanish")
    quiz_types_seed()
    private = CatalogFactory(
        owner=owner, language=spanish, visibility=Catalog.Visibility.PRIVATE, name="Private"
    )
    cards = [
        CatalogFlashcardFactory(
            catalog=private,
            flashcard__front=f"palabra {n}",
            flashcard__back=f"word {n}",
            flashcard__language=spanish,
        ).flashcard
        for n in range(4)
    ]
    viewer_share = CatalogShare.objects.create(catalog=private, user=viewer, role=Role.VIEWER)
    CatalogShare.objects.create(catalog=private, user=editor, role=Role.EDITOR)
    card_share = FlashcardShare.objects.create(flashcard=cards[0], user=outsider, role=Role.VIEWER)
    unlisted = CatalogFactory(
        owner=owner,
        language=spanish,
        visibility=Catalog.Visibility.UNLISTED,
        share_token=new_share_token(),
    )
    CatalogFlashcardFactory(catalog=unlisted, flashcard__language=spanish)
    public = CatalogFactory(owner=owner, language=spanish, visibility=Catalog.Visibility.PUBLIC)
    CatalogFlashcardFactory(catalog=public, flashcard__language=spanish)
    quiz = quiz_create(user=owner, catalog=private)
    # The stranger was a viewer once: started a session, then the owner revoked the share.
    was_shared = CatalogShare.objects.create(catalog=private, user=stranger, role=Role.VIEWER)
    lost_quiz = quiz_create(user=stranger, catalog=private)
    was_shared.delete()
    for user in (owner, viewer, editor, stranger, outsider, staff):
        study_settings_of(user)  # returning learners: a refused request creates none
    job = ImportJob.objects.create(owner=owner, file_name="words.csv", file_format="csv")
    deck = {"key": "Words", "name": "Words", "cards": 1, "reviews": 0, "without_language": 1}
    preview = ImportJob.objects.create(
        owner=owner,
        file_name="words.apkg",
        file_format="apkg",
        status=ImportJob.Status.PREVIEW,
        decks=[{**deck, "detected": "es", "language": None}],
    )
    refresh = RefreshToken.for_user(owner)
    refresh.blacklist()
    admin_objects = {
        "auth_group": Group.objects.create(name="Editors").pk,
        "accounts_user": owner.pk,
        "decks_language": spanish.pk,
        "decks_catalog": private.pk,
        "decks_flashcard": cards[0].pk,
        "decks_importjob": job.pk,
        "waitlist_waitlistentry": WaitlistEntryFactory().pk,
    }
    for label, model in (
        ("token_blacklist_outstandingtoken", "token_blacklist.OutstandingToken"),
        ("token_blacklist_blacklistedtoken", "token_blacklist.BlacklistedToken"),
        ("accounts_auditevent", "accounts.AuditEvent"),
        ("quizzes_quiztype", "quizzes.QuizType"),
        ("quizzes_studysettings", "quizzes.StudySettings"),
    ):
        first = apps.get_model(model).objects.order_by("pk").first()
        if first is not None:
            admin_objects[label] = first.pk
    users: dict[str, User | None] = {
        "anonymous": None,
        "stranger": stranger,
        "viewer": viewer,
        "editor": editor,
        "owner": owner,
        "staff": staff,
    }
    return World(
        users=users,
        outsider=outsider,
        private=private,
        card=cards[0],
        unlisted=unlisted,
        public=public,
        viewer_share=viewer_share,
        card_share=card_share,
        quiz=quiz,
        lost_quiz=lost_quiz,
        job=job,
        preview=preview,
        entry=WaitlistEntryFactory(),
        admin_objects=admin_objects,
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module inside a transaction that is rolled back at its end; each
    test's own transaction (the `db` fixture) is a savepoint inside it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- What "nothing changed" means --------------------------------------------------------

WATCHED_APPS = {"accounts", "decks", "quizzes", "waitlist", "token_blacklist", "auth"}
# Written by a refused request on purpose (the audit trail) or by signing in the test client.
IGNORED_MODELS = {"accounts.AuditEvent", "auth.Permission"}
VOLATILE_FIELDS = {"last_login"}


def _snapshot_queries() -> dict[str, str]:
    """One SELECT of every row and column per watched model (raw SQL: the ORM would cost
    more than the request the snapshot is taken around)."""
    quote = connection.ops.quote_name
    queries = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in WATCHED_APPS or meta.label in IGNORED_MODELS:
            continue
        columns = [quote(f.column) for f in meta.concrete_fields if f.name not in VOLATILE_FIELDS]
        queries[meta.label] = (
            f"SELECT {', '.join(columns)} FROM {quote(meta.db_table)} "  # noqa: S608 - our names
            f"ORDER BY {quote(meta.pk.column)}"
        )
    return queries


SNAPSHOT_QUERIES = _snapshot_queries()


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every model of ours, column by column."""
    with connection.cursor() as cursor:
        state = {}
        for label, query in SNAPSHOT_QUERIES.items():
            cursor.execute(query)
            state[label] = cursor.fetchall()
    return state


# --- The matrix ----------------------------------------------------------------------------


def _client(user: User | None, *, api: bool) -> Client | APIClient:
    if api:
        api_client = APIClient()
        if user is not None:
            api_client.force_authenticate(user)
        return api_client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _send(client: Client | APIClient, method: str, url: str, call: Call, world: World) -> Any:
    data = call.data(world) if callable(call.data) else call.data
    send = getattr(client, method.lower())
    if isinstance(client, APIClient):
        if method == "GET":
            return send(url)
        return send(url, data, format="multipart" if call.multipart else "json")
    if method in ("GET", "DELETE"):
        return send(url)
    return send(url, data or {})


def _check_status(response: Any, expected: Expect, case: str) -> None:
    status = response.status_code
    where = response.get("Location", "")
    body = b"(a file)" if response.streaming else response.content[:300]
    said = f"{case}: got {status} {where or body!r}, want {expected}"
    if expected in (LOGIN, ADMIN_LOGIN):
        login = reverse("login" if expected == LOGIN else "admin:login")
        assert status == 302, said
        assert where.startswith(login), said
    else:
        assert status == (expected.status if isinstance(expected, Unchanged) else expected), said


def _check_policy(response: Any, case: str) -> None:
    """Every page is under the enforced CSP, and each script it runs is one the policy
    allows: ours (a src on this site) or carrying the nonce; a script that is neither would
    be blocked, the page broken."""
    policy = response.get("Content-Security-Policy", "")
    assert "Content-Security-Policy-Report-Only" not in response, case
    assert "frame-ancestors 'none'" in policy, f"{case}: policy {policy!r}"
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return
    nonce = re.search(r"'nonce-([^']+)'", policy)
    for script in parse(response.content).scripts:
        if script.runs:
            assert script.allowed_by(nonce and nonce[1]), f"{case}: {script} under {policy}"


CASES = [
    pytest.param(name, method, role, id=f"{name}|{method}|{role}")
    for name, entry in ROUTES.items()
    for method, call in entry.calls.items()
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_access(world: World, db: None, name: str, method: str, role: str) -> None:
    entry = ROUTES[name]
    call = entry.calls[method]
    expected = call.expect[role]
    url = entry.url(world)
    client = _client(world.users[role], api=url.startswith("/api/v1/"))
    refused = isinstance(expected, Unchanged) or expected in REFUSED
    before = snapshot() if refused else None

    response = _send(client, method, url, call, world)

    _check_status(response, expected, f"{method} {url} as {role}")
    _check_policy(response, f"{method} {url} as {role}")
    if refused:
        assert snapshot() == before, f"{method} {url} as {role} was refused but changed data"


# --- The table covers every route ----------------------------------------------------------


def _walk(
    patterns: list, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif pattern.name:
            yield namespace + pattern.name, pattern
        else:
            full = prefix + str(pattern.pattern)
            ends = [name for end, name in UNNAMED.items() if full.endswith(end)]
            yield (ends[0] if ends else f"<unnamed {full}>"), pattern


def collected_routes() -> dict[str, list[URLPattern]]:
    routes: dict[str, list[URLPattern]] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        routes.setdefault(name, []).append(pattern)
    return routes


def test_every_route_has_an_entry() -> None:
    """ROUTES may hold more than one entry per route: "name[which object]"."""
    collected = collected_routes()
    entries = {key.split("[")[0] for key in ROUTES}
    missing = sorted(set(collected) - entries)
    assert not missing, (
        "These routes have no entry in ROUTES (cerego/tests/test_access_matrix.py): "
        f"{', '.join(missing)}. Add one per route, e.g. "
        '"name": route(to("name", "private"), GET=PAGE_READ, POST=Call(page_edit(302), data)), '
        "saying for each method the status anonymous, stranger, viewer, editor, owner and "
        "staff get; an unnamed route needs a name, or an UNNAMED entry."
    )
    stale = sorted(entries - set(collected) - OUTSIDE_URLCONF)
    assert not stale, f"ROUTES has entries for routes that no longer exist: {', '.join(stale)}"


def _api_methods(pattern: URLPattern) -> set[str] | None:
    """The methods an API route answers (DRF says; Django's function views do not)."""
    view = getattr(pattern.callback, "cls", None)
    if view is None:
        return None
    actions = getattr(pattern.callback, "actions", None)
    if actions:
        methods = {method.upper() for method in actions}
    else:
        methods = {m.upper() for m in view.http_method_names if hasattr(view, m)}
    return methods - {"OPTIONS", "HEAD"}  # answered by DRF alike for every view


def test_every_api_method_has_an_entry() -> None:
    for name, patterns in collected_routes().items():
        for pattern in patterns:
            methods = _api_methods(pattern)
            if methods is None or name not in ROUTES:
                continue
            assert methods == set(ROUTES[name].calls), (
                f"{name} answers {sorted(methods)} but ROUTES says what roles get for "
                f"{sorted(ROUTES[name].calls)}: add the missing methods to its entry"
            )


def test_sync_rejects_a_hidden_card_as_one_that_does_not_exist(world: World, db: None) -> None:
    """The per-item refusal of another learner's private card tells nothing about it."""
    client = _client(world.users["stranger"], api=True)
    hidden, missing = sync_item(world), sync_item(world)
    missing[0]["flashcard"] = Flashcard.objects.order_by("pk").last().pk + 1000

    answers = [
        client.post(reverse("api-reviews-sync"), items, format="json").json()["results"][0]
        for items in (hidden, missing)
    ]

    assert [answer["status"] for answer in answers] == ["rejected", "rejected"]
    assert answers[0]["detail"] == answers[1]["detail"]
