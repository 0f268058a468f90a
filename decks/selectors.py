"""Reads of catalogs and flashcards. Who may see and who may change what is decided here,
once, for the web pages and the API alike: the querysets below say which objects a user may
see, edit or own, and `catalog_access`/`flashcard_access` with `may` answer for one object."""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import IntEnum
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from rapidfuzz import fuzz, process

from accounts.models import User
from cerego.paging import Counted
from decks.models import (
    Catalog,
    CatalogCardCount,
    CatalogFlashcard,
    CatalogShare,
    Flashcard,
    FlashcardShare,
    ImportJob,
    Language,
    Role,
    normalize_front,
    normalize_language_code,
)

AnyUser = User | AnonymousUser
# Whom a rule is for: a user, or `OuterRef("user_id")`, the user column of the query the
# rule is asked from, so that one query answers for the rows of many users (a learner's
# progress rows are only theirs to study while the card is visible to them).
Viewer = User | OuterRef


def _deeper(user: Viewer) -> Viewer:
    """The same user, named from a subquery one level further in."""
    return OuterRef(user) if isinstance(user, OuterRef) else user


class Access(IntEnum):
    """What a user may do with a catalog or a card; each level includes those below it."""

    NONE = 0
    VIEW = 1  # read, study, copy, export
    EDIT = 2  # also add, change and remove cards
    OWN = 3  # also rename, delete, change visibility, share

    @property
    def role(self) -> str:
        """The name the pages and the API show: owner, editor or viewer."""
        return {Access.OWN: "owner", Access.EDIT: Role.EDITOR}.get(self, Role.VIEWER)


def may(access: Access, need: Access) -> bool:
    return access >= need


def _access_of(shared: Catalog | Flashcard, detailed: Callable[[], QuerySet]) -> Access:
    """The access `shared` carries from a `*_with_details` queryset (no query), or else
    the one `detailed()`, the visible objects with their details, gives it. (Built only
    when needed: building the queryset costs more than reading the answer.)"""
    if not hasattr(shared, "user_is_owner"):
        found = detailed().filter(pk=shared.pk).first()
        if found is None:
            return Access.NONE
        shared = found
    return _carried_access(shared)


def _carried_access(shared: Catalog | Flashcard) -> Access:
    if shared.user_is_owner:  # type: ignore[union-attr]
        return Access.OWN
    return Access.EDIT if shared.user_can_edit else Access.VIEW  # type: ignore[union-attr]


def _catalog_shared_with(user: Viewer, *roles: str, catalog: str = "pk") -> Exists:
    shares = CatalogShare.objects.filter(catalog=OuterRef(catalog), user=_deeper(user))
    return Exists(shares.filter(role__in=roles) if roles else shares)


# The two rules on catalogs, given how a share with the user is found: from a membership
# (`to="catalog__"`), an EXISTS per row, so that a card's rules test the catalogs it sits
# in row by row instead of listing every catalog the user may open; on catalogs
# themselves, the one join of `_with_user_share`, which both rules and the access read.
def _catalog_visible(user: Viewer, to: str = "", shared: Q | None = None) -> Q:
    if shared is None:
        shared = Q(_catalog_shared_with(user, catalog=to.removesuffix("__") or "pk"))
    public = Q(**{f"{to}visibility": Catalog.Visibility.PUBLIC})
    return Q(**{f"{to}owner": user}) | public | shared


def _catalog_editable(user: Viewer, to: str = "", shared: Q | None = None) -> Q:
    if shared is None:
        shared = Q(_catalog_shared_with(user, Role.EDITOR, catalog=to.removesuffix("__") or "pk"))
    return Q(**{f"{to}owner": user}) | shared


def _user_share(user: User) -> str:
    # Named for the user: a queryset filtered for one user and then asked about another
    # must join the other's share, never read the first one's.
    return f"share_of_user_{user.pk}"


def _shared(user: User) -> Q:
    return Q(**{f"{_user_share(user)}__isnull": False})


def _shared_as_editor(user: User) -> Q:
    return Q(**{f"{_user_share(user)}__role": Role.EDITOR})


def _with_user_share(catalogs: QuerySet[Catalog], user: User) -> QuerySet[Catalog]:
    """Catalogs with the user's share of each, if any, joined once (at most one row: a
    catalog is shared with a user once), for the visibility rule, the edit rule and the
    access to read alike: one join to build and compile instead of an EXISTS for each."""
    if _user_share(user) in getattr(catalogs.query, "_filtered_relations", {}):  # joined
        return catalogs
    mine = FilteredRelation("shares", condition=Q(shares__user=user))
    return catalogs.alias(**{_user_share(user): mine})


def catalogs_visible_to(user: AnyUser) -> QuerySet[Catalog]:
    """Catalogs a user may open by id: their own, those shared with them, public ones.

    Unlisted catalogs of others open only through their share link
    (`catalog_by_share_token`). Anonymous users see nothing.
    """
    if not user.is_authenticated:
        return Catalog.objects.none()
    catalogs = _with_user_share(Catalog.objects.all(), user)
    return catalogs.filter(_catalog_visible(user, shared=_shared(user)))


def catalogs_editable_by(user: AnyUser) -> QuerySet[Catalog]:
    """Catalogs whose cards a user may add, edit and remove: their own and editor shares."""
    if not user.is_authenticated:
        return Catalog.objects.none()
    catalogs = _with_user_share(Catalog.objects.all(), user)
    return catalogs.filter(_catalog_editable(user, shared=_shared_as_editor(user)))


def catalogs_owned_by(user: AnyUser) -> QuerySet[Catalog]:
    """Catalogs a user may rename, delete, share or change the visibility of."""
    if not user.is_authenticated:
        return Catalog.objects.none()
    return Catalog.objects.filter(owner=user)


def catalog_is_editable_by(*, catalog: Catalog, user: AnyUser) -> bool:
    return catalogs_editable_by(user).filter(pk=catalog.pk).exists()


def catalog_by_share_token(*, user: AnyUser, token: str) -> Catalog | None:
    """The unlisted or public catalog behind a share link, for any signed-in user, with
    the details of `catalogs_with_details`."""
    if not user.is_authenticated or not token or "\x00" in token:
        return None  # PostgreSQL refuses NUL in a query; no token holds one
    linked = Catalog.objects.exclude(visibility=Catalog.Visibility.PRIVATE)
    return catalogs_with_details(linked.filter(share_token=token), user).first()


def language_by_code(code: str) -> Language | None:
    """A language by its code, forgiving case and `pt_BR`-style underscores."""
    key = normalize_language_code(code)
    if not key or "\x00" in key:  # PostgreSQL refuses NUL in a query; no code holds one
        return None
    return Language.objects.filter(code__iexact=key).first()


def languages_by_code() -> dict[str, Language]:
    """Every language under its normalised code, for looking up many codes at once."""
    return {normalize_language_code(language.code): language for language in Language.objects.all()}


def _flashcard_shared_with(user: Viewer, *roles: str) -> Exists:
    shares = FlashcardShare.objects.filter(flashcard=OuterRef("pk"), user=_deeper(user))
    return Exists(shares.filter(role__in=roles) if roles else shares)


def _flashcard_in(catalogs: Q) -> Exists:
    """Whether the card sits in a catalog meeting `catalogs` (a rule from a membership)."""
    return Exists(CatalogFlashcard.objects.filter(catalogs, flashcard=OuterRef("pk")))


def _flashcard_visible(user: Viewer) -> Q:
    in_visible = _flashcard_in(_catalog_visible(_deeper(user), to="catalog__"))
    return Q(owner=user) | Q(_flashcard_shared_with(user)) | Q(in_visible)


def _flashcard_editable(user: Viewer) -> Q:
    in_editable = _flashcard_in(_catalog_editable(_deeper(user), to="catalog__"))
    return Q(owner=user) | Q(_flashcard_shared_with(user, Role.EDITOR)) | Q(in_editable)


def flashcards_visible_to(user: AnyUser | OuterRef) -> QuerySet[Flashcard]:
    """Cards a user may read: their own, shared with them, or in a catalog they may open.

    `user` may be `OuterRef("user_id")`: the cards visible to the user of each row of the
    query this one is a subquery of (see `Viewer`)."""
    if isinstance(user, OuterRef):
        return Flashcard.objects.filter(_flashcard_visible(user))
    if not user.is_authenticated:
        return Flashcard.objects.none()
    return Flashcard.objects.filter(_flashcard_visible(user))


def flashcards_editable_by(user: AnyUser) -> QuerySet[Flashcard]:
    """Cards a user may edit: their own, editor shares, or in a catalog they may edit."""
    if not user.is_authenticated:
        return Flashcard.objects.none()
    return Flashcard.objects.filter(_flashcard_editable(user))


# --- Listing: what the pages and endpoints show -----------------------------------------


# Both read from the counters the database keeps (`CatalogCardCount`, one LEFT JOIN).
_CARD_COUNT = Coalesce(F("card_count__flashcards"), 0)
_LEARNER_COUNT = Coalesce(F("card_count__learners"), 0)


def catalogs_with_card_count(catalogs: QuerySet[Catalog]) -> QuerySet[Catalog]:
    """Catalogs with `flashcard_count`, read from the counter the database keeps
    (`CatalogCardCount`): the same cost for a catalog of ten cards or of a million."""
    return catalogs.annotate(flashcard_count=_CARD_COUNT)


def catalogs_with_access(
    catalogs: QuerySet[Catalog], user: AnyUser, **more: Expression
) -> QuerySet[Catalog]:
    """Catalogs with `flashcard_count` and what `user` may do with each (`user_is_owner`,
    `user_can_edit`, read by `catalog_access`): what a page of a catalog's cards needs;
    and the annotations `more`, in the same `annotate` (each one clones the query)."""
    if not user.is_authenticated:
        editable: Q = Q(pk=None)
    else:
        catalogs = _with_user_share(catalogs, user)
        editable = _catalog_editable(user, shared=_shared_as_editor(user))
    return catalogs.annotate(
        flashcard_count=_CARD_COUNT,
        user_is_owner=ExpressionWrapper(Q(owner_id=user.pk), output_field=BooleanField()),
        user_can_edit=ExpressionWrapper(editable, output_field=BooleanField()),
        **more,
    )


def catalogs_with_details(catalogs: QuerySet[Catalog], user: AnyUser) -> QuerySet[Catalog]:
    """Catalogs ready to list: owner and language joined, card and learner counts (read
    from the counters, as `catalogs_with_card_count`), and what `user` may do with each
    (`user_is_owner`, `user_can_edit`), in one query."""
    return catalogs_with_access(
        catalogs.select_related("owner", "language"), user, learner_count=_LEARNER_COUNT
    )


def catalogs_in_collection_of(user: AnyUser) -> QuerySet[Catalog]:
    """A user's own catalogs and those shared with them (not the whole library)."""
    if not user.is_authenticated:
        return Catalog.objects.none()
    catalogs = _with_user_share(Catalog.objects.all(), user)
    return catalogs.filter(Q(owner=user) | _shared(user))


def catalogs_shared_with(user: AnyUser) -> QuerySet[Catalog]:
    if not user.is_authenticated:
        return Catalog.objects.none()
    return Catalog.objects.filter(_catalog_shared_with(user)).exclude(owner=user)


def catalogs_in_library(user: AnyUser) -> QuerySet[Catalog]:
    """The public library, for signed-in users."""
    if not user.is_authenticated:
        return Catalog.objects.none()
    return Catalog.objects.filter(visibility=Catalog.Visibility.PUBLIC)


def _term(value: str | None) -> str:
    """A query-string filter fit for any database: PostgreSQL refuses NUL characters."""
    return (value or "").replace("\x00", "").strip()[:200]


def catalogs_filter(
    catalogs: QuerySet[Catalog],
    *,
    language: str | None = None,
    visibility: str | None = None,
    search: str | None = None,
) -> QuerySet[Catalog]:
    """Narrow catalogs by language code, visibility and a search over name, description
    and owner."""
    language, visibility, term = _term(language), _term(visibility), _term(search)
    if language:
        catalogs = catalogs.filter(language__code__iexact=language)
    if visibility:
        catalogs = catalogs.filter(visibility=visibility)
    if term:
        catalogs = catalogs.filter(
            Q(name__icontains=term)
            | Q(description__icontains=term)
            | Q(owner__username__iexact=term)
        )
    return catalogs


def catalog_language_counts(catalogs: QuerySet[Catalog]) -> list[dict]:
    """How many of these catalogs are in each language: [{code, name, count}], None last."""
    rows = (
        catalogs.order_by()
        .values("language__code", "language__name")
        .annotate(count=Count("pk", distinct=True))
    )
    counts = [
        {"code": row["language__code"], "name": row["language__name"], "count": row["count"]}
        for row in rows
    ]
    return sorted(counts, key=lambda row: (row["code"] is None, row["name"] or ""))


def catalog_access(user: AnyUser, catalog: Catalog) -> Access:
    """What `user` may do with `catalog`; NONE if they may not open it by id.

    A catalog from `catalogs_with_details` (for the same user) carries the answer and costs
    no query. Reached by its share link, a catalog one may not open by id still says VIEW:
    the link lets whoever holds it read. Otherwise the rules of `catalogs_visible_to` and
    `catalogs_editable_by`, applied to this one catalog: nothing to read for its owner or
    an anonymous user, else the user's share of it (one primary-key-sized read), which is
    cheaper than building and compiling the rules as a query (docs/performance.md). The
    answer is kept on `catalog`, as the annotations would carry it.
    """
    if hasattr(catalog, "user_is_owner"):
        return _carried_access(catalog)
    if not user.is_authenticated:
        return Access.NONE
    role = None
    if catalog.owner_id != user.pk:
        shares = CatalogShare.objects.filter(catalog_id=catalog.pk, user_id=user.pk)
        role = shares.values_list("role", flat=True).first()
        if role is None and catalog.visibility != Catalog.Visibility.PUBLIC:
            return Access.NONE
    catalog.user_is_owner = catalog.owner_id == user.pk  # type: ignore[attr-defined]
    catalog.user_can_edit = catalog.user_is_owner or role == Role.EDITOR  # type: ignore[attr-defined]
    return _carried_access(catalog)


def catalog_with_access(user: AnyUser, pk: int) -> tuple[Catalog, Access] | None:
    """The catalog `pk` with what `catalogs_with_details` gives (owner, language, card and
    learner counts) and what `user` may do with it; None if there is none they may open by
    id (as `catalogs_visible_to`)."""
    found = Catalog.objects.select_related("owner", "language").annotate(
        flashcard_count=_CARD_COUNT, learner_count=_LEARNER_COUNT
    )
    catalog = found.filter(pk=pk).first()
    if catalog is None:
        return None
    access = catalog_access(user, catalog)
    return None if access == Access.NONE else (catalog, access)


def flashcards_in_catalog(catalog: Catalog, *, owners: bool = True) -> QuerySet[Flashcard]:
    """The catalog's cards in the order they were added, ready to list: with their language
    and, unless `owners` is false (a page that shows none), their owner."""
    return (
        Flashcard.objects.filter(memberships__catalog=catalog)
        .select_related("language", *(["owner"] if owners else []))
        .order_by("memberships__added_at", "memberships__id")
    )


def catalog_flashcard_count(catalog: Catalog) -> int:
    """How many cards the catalog holds: its `flashcard_count` when it came from
    `catalogs_with_card_count` (no query), else one primary-key read of the counter."""
    known = getattr(catalog, "flashcard_count", None)
    if known is not None:
        return known
    count = CatalogCardCount.objects.filter(catalog=catalog).values_list("flashcards", flat=True)
    return count.first() or 0


def flashcards_listed_in_catalog(
    catalog: Catalog,
    *,
    language: str | None = None,
    search: str | None = None,
    newest_first: bool = False,
    owners: bool = True,
) -> QuerySet[Flashcard] | Counted[Flashcard]:
    """The catalog's cards ready to page through, in the order added (or newest first),
    filtered by `flashcards_filter`, with their owners unless `owners` is false.

    Unfiltered, their count is the catalog's counter: a page costs the same in a catalog
    of any size (its rows come in order from the membership index, the page's and no more).
    """
    cards = flashcards_in_catalog(catalog, owners=owners)
    if newest_first:
        cards = cards.reverse()
    if _term(language) or _term(search):
        return flashcards_filter(cards, language=language, search=search)
    return Counted(cards, catalog_flashcard_count(catalog))


def flashcards_in_collection_of(user: AnyUser) -> QuerySet[Flashcard]:
    """A user's own cards and those shared with them one by one."""
    if not user.is_authenticated:
        return Flashcard.objects.none()
    return Flashcard.objects.filter(Q(owner=user) | _flashcard_shared_with(user))


def flashcard_shares_with(user: AnyUser) -> QuerySet[FlashcardShare]:
    """Single cards shared with a user, newest first, ready to list."""
    if not user.is_authenticated:
        return FlashcardShare.objects.none()
    return (
        FlashcardShare.objects.filter(user=user)
        .select_related("flashcard__language", "flashcard__owner")
        .order_by("-created_at", "-id")
    )


def flashcards_with_details(cards: QuerySet[Flashcard], user: AnyUser) -> QuerySet[Flashcard]:
    """Cards ready to list, with what `user` may do with each (`user_is_owner`,
    `user_can_edit`, read by `flashcard_access`). The rule is tested on each card listed
    (its shares, its own catalogs), never by listing every card the user may edit."""
    editable = _flashcard_editable(user) if user.is_authenticated else Q(pk=None)
    return cards.select_related("language", "owner").annotate(
        user_is_owner=ExpressionWrapper(Q(owner_id=user.pk), output_field=BooleanField()),
        user_can_edit=ExpressionWrapper(editable, output_field=BooleanField()),
    )


def flashcard_access(user: AnyUser, card: Flashcard) -> Access:
    """What `user` may do with `card`; NONE if they may not see it. A card from
    `flashcards_with_details` (for the same user) carries the answer and costs no query."""
    return _access_of(card, lambda: flashcards_with_details(flashcards_visible_to(user), user))


def flashcards_filter(
    cards: QuerySet[Flashcard], *, language: str | None = None, search: str | None = None
) -> QuerySet[Flashcard]:
    language, term = _term(language), _term(search)
    if language:
        cards = cards.filter(language__code__iexact=language)
    if term:
        cards = cards.filter(
            Q(front_normalized__contains=normalize_front(term)) | Q(back__icontains=term)
        )
    return cards


# --- Duplicates -------------------------------------------------------------------------

NEAR_DUPLICATE_CUTOFF = 80.0
NEAR_DUPLICATE_LIMIT = 10


@dataclass(frozen=True)
class FlashcardMatch:
    flashcard: Flashcard
    similarity: float  # 0.0-1.0; 1.0 is the same word once normalised
    exact: bool


def flashcard_matches(*, cards: QuerySet[Flashcard], front: str) -> list[FlashcardMatch]:
    """Cards among `cards` whose front is the same word as `front`, or nearly.

    Similarity is RapidFuzz's normalised Indel ratio of the normalised fronts, computed
    in Python so SQLite and PostgreSQL answer identically. Exact matches come first.
    """
    word = normalize_front(front)
    if not word:
        return []
    choices = dict(cards.values_list("pk", "front_normalized"))
    found = process.extract(
        word,
        choices,
        scorer=fuzz.ratio,
        score_cutoff=NEAR_DUPLICATE_CUTOFF,
        limit=NEAR_DUPLICATE_LIMIT,
    )
    by_pk = cards.select_related("language", "owner").in_bulk([pk for _, _, pk in found])
    matches = [
        FlashcardMatch(flashcard=by_pk[pk], similarity=round(score / 100, 3), exact=text == word)
        for text, score, pk in found
    ]
    return sorted(
        matches, key=lambda match: (not match.exact, -match.similarity, match.flashcard.pk)
    )


def flashcard_duplicates(*, user: AnyUser, front: str, language: Language) -> list[FlashcardMatch]:
    """Exact and near duplicates of `front` among the user's own cards of `language`."""
    if not user.is_authenticated:
        return []
    return flashcard_matches(
        cards=Flashcard.objects.filter(owner=user, language=language), front=front
    )


def flashcards_near_catalog(
    *, catalog: Catalog, user: AnyUser, language: Language
) -> QuerySet[Flashcard]:
    """The cards a new word of `catalog` should be compared with: the catalog's own, and
    the user's cards of the same language."""
    in_catalog = CatalogFlashcard.objects.filter(catalog=catalog).values("flashcard")
    mine = Q(owner_id=user.pk, language=language) if user.is_authenticated else Q(pk=None)
    return Flashcard.objects.filter(Q(pk__in=in_catalog) | mine)


def import_jobs_of(user: AnyUser) -> QuerySet[ImportJob]:
    """A user's own import jobs; nobody else's are visible, staff included."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(owner=user).prefetch_related(
        Prefetch("catalogs", queryset=Catalog.objects.only("id", "name").order_by("name", "id"))
    )


# --- A learner's own data, for the download of everything they have (quizzes assembles it) ---
# Plain rows from values() iterators: a fixed handful of queries however many cards, and
# no model instances held in memory.

EXPORT_CHUNK = 2000
# Relations named as the API names them: "language": "es", "copied_from": 7.
EXPORT_NAMES = {"language__code": "language", "copied_from_id": "copied_from"}


def _renamed(row: Mapping[str, Any]) -> dict[str, Any]:
    return {EXPORT_NAMES.get(key, key): value for key, value in row.items()}


def catalogs_export_rows(user: User) -> Iterator[dict[str, Any]]:
    """The user's catalogs, each with the ids of its cards in catalog order: two queries.

    The catalogs and their memberships are both read in catalog order and walked together.
    """
    catalogs = (
        Catalog.objects.filter(owner=user)
        .order_by("id")
        .values(
            "id",
            "name",
            "description",
            "visibility",
            "language__code",
            "copied_from_id",
            "created_at",
            "updated_at",
        )
    )
    memberships = groupby(
        CatalogFlashcard.objects.filter(catalog__owner=user)
        .order_by("catalog_id", "added_at", "id")
        .values_list("catalog_id", "flashcard_id")
        .iterator(chunk_size=EXPORT_CHUNK),
        key=itemgetter(0),
    )
    group = next(memberships, None)
    for row in catalogs.iterator(chunk_size=EXPORT_CHUNK):
        cards: list[int] = []
        if group is not None and group[0] == row["id"]:
            cards = [flashcard_id for _, flashcard_id in group[1]]
            group = next(memberships, None)
        yield {**_renamed(row), "flashcards": cards}


def flashcards_export_rows(user: User) -> Iterator[dict[str, Any]]:
    """The cards the user owns (every card of their catalogs, and loose ones): one query."""
    rows = (
        Flashcard.objects.filter(owner=user)
        .order_by("id")
        .values("id", "front", "back", "hint", "language__code", "created_at", "updated_at")
    )
    for row in rows.iterator(chunk_size=EXPORT_CHUNK):
        yield _renamed(row)


def _share_rows(
    shares: dict[str, QuerySet], *, person: str, called: str
) -> Iterator[dict[str, Any]]:
    """Catalog and card shares as rows {kind: id, called: the person's username, role}."""
    for kind, queryset in shares.items():
        person_field = person.format(kind=kind)
        rows = queryset.order_by("id").values(f"{kind}_id", person_field, "role", "created_at")
        for row in rows.iterator(chunk_size=EXPORT_CHUNK):
            yield {
                kind: row[f"{kind}_id"],
                called: row[person_field],
                "role": row["role"],
                "created_at": row["created_at"],
            }


def shares_export_rows(user: User) -> Iterator[dict[str, Any]]:
    """Who the user shared their catalogs and cards with, and as what: two queries."""
    shares = {
        "catalog": CatalogShare.objects.filter(catalog__owner=user),
        "flashcard": FlashcardShare.objects.filter(flashcard__owner=user),
    }
    return _share_rows(shares, person="user__username", called="user")


def shares_received_export_rows(user: User) -> Iterator[dict[str, Any]]:
    """The catalogs and cards others shared with the user, by id and owner: two queries."""
    shares = {
        "catalog": CatalogShare.objects.filter(user=user),
        "flashcard": FlashcardShare.objects.filter(user=user),
    }
    return _share_rows(shares, person="{kind}__owner__username", called="owner")


def owned_data_counts(user: User) -> dict[str, int]:
    """What deleting the account takes with it, and what of it others use (a few counts)."""
    catalogs = Catalog.objects.filter(owner=user).aggregate(
        catalogs=Count("id"),
        published=Count("id", filter=~Q(visibility=Catalog.Visibility.PRIVATE)),
    )
    return {
        **catalogs,
        "flashcards": Flashcard.objects.filter(owner=user).count(),
        "shares": CatalogShare.objects.filter(catalog__owner=user).count()
        + FlashcardShare.objects.filter(flashcard__owner=user).count(),
        "copies": Catalog.objects.filter(copied_from__owner=user).exclude(owner=user).count(),
    }
