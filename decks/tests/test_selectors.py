import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import UserFactory
from decks.models import (
    Catalog,
    CatalogCardCount,
    CatalogFlashcard,
    CatalogLearner,
    CatalogShare,
    FlashcardShare,
    Role,
)
from decks.selectors import (
    Access,
    catalog_access,
    catalog_by_share_token,
    catalog_flashcard_count,
    catalog_language_counts,
    catalog_with_access,
    catalogs_editable_by,
    catalogs_owned_by,
    catalogs_visible_to,
    catalogs_with_card_count,
    catalogs_with_details,
    flashcard_access,
    flashcard_duplicates,
    flashcards_editable_by,
    flashcards_visible_to,
    flashcards_with_details,
    may,
)
from decks.services.card_fields import CardFields
from decks.services.catalogs import catalog_copy, catalog_delete, catalog_learner_add
from decks.services.flashcards import (
    catalog_flashcard_add,
    catalog_flashcard_remove,
    flashcard_create,
    flashcard_delete,
    flashcards_bulk_create,
)
from decks.tests.factories import (
    CatalogFactory,
    CatalogFlashcardFactory,
    FlashcardFactory,
    LanguageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    owner, editor, viewer, stranger = UserFactory.create_batch(4)
    catalog = CatalogFactory(owner=owner)
    CatalogShare.objects.create(catalog=catalog, user=editor, role=Role.EDITOR)
    CatalogShare.objects.create(catalog=catalog, user=viewer, role=Role.VIEWER)
    card = CatalogFlashcardFactory(catalog=catalog).flashcard
    return {"owner": owner, "editor": editor, "viewer": viewer, "stranger": stranger}, catalog, card


@pytest.mark.parametrize(
    ("who", "sees", "edits", "owns"),
    [
        ("owner", True, True, True),
        ("editor", True, True, False),
        ("viewer", True, False, False),
        ("stranger", False, False, False),
    ],
)
def test_private_catalog_permission_matrix(people, who, sees, edits, owns):
    users, catalog, card = people
    user = users[who]

    assert catalogs_visible_to(user).filter(pk=catalog.pk).exists() is sees
    assert catalogs_editable_by(user).filter(pk=catalog.pk).exists() is edits
    assert catalogs_owned_by(user).filter(pk=catalog.pk).exists() is owns
    assert flashcards_visible_to(user).filter(pk=card.pk).exists() is sees
    assert flashcards_editable_by(user).filter(pk=card.pk).exists() is edits


@pytest.mark.parametrize(
    ("who", "access", "role"),
    [
        ("owner", Access.OWN, "owner"),
        ("editor", Access.EDIT, "editor"),
        ("viewer", Access.VIEW, "viewer"),
        ("stranger", Access.NONE, "viewer"),
    ],
)
def test_access_to_a_catalog_and_its_card_by_role(people, who, access, role):
    users, catalog, card = people
    user = users[who]
    listed = catalogs_with_details(Catalog.objects.filter(pk=catalog.pk), user).get()

    assert catalog_access(user, catalog) == access
    assert flashcard_access(user, card) == access
    if access:  # what the lists carry says the same, without a query
        assert catalog_access(user, listed) == access
    assert access.role == role


@pytest.mark.parametrize("visibility", Catalog.Visibility.values)
def test_one_catalogs_access_follows_the_rules_of_the_lists(people, visibility):
    """`catalog_access` on a catalog read alone applies the rules of `catalogs_visible_to`
    and `catalogs_editable_by` in Python: for every role and visibility they agree."""
    users, catalog, _ = people
    Catalog.objects.filter(pk=catalog.pk).update(visibility=visibility)
    for user in [*users.values(), AnonymousUser()]:
        expected = Access.NONE
        if catalogs_visible_to(user).filter(pk=catalog.pk).exists():
            expected = Access.VIEW
        if catalogs_editable_by(user).filter(pk=catalog.pk).exists():
            expected = Access.EDIT
        if catalogs_owned_by(user).filter(pk=catalog.pk).exists():
            expected = Access.OWN
        alone = Catalog.objects.get(pk=catalog.pk)
        assert catalog_access(user, alone) == expected, (user, visibility)
        found = catalog_with_access(user, catalog.pk)
        assert (found[1] if found else Access.NONE) == expected, (user, visibility)


def test_one_catalogs_access_reads_nothing_for_its_owner_and_once_for_others(
    people, django_assert_num_queries
):
    users, catalog, _ = people
    with django_assert_num_queries(1):
        found = catalog_with_access(users["owner"], catalog.pk)
    assert found is not None
    with django_assert_num_queries(2):
        found = catalog_with_access(users["editor"], catalog.pk)
    assert found is not None
    with django_assert_num_queries(0):  # kept on the catalog, as the annotations are
        assert catalog_access(users["editor"], found[0]) == Access.EDIT
    assert catalog_with_access(users["stranger"], catalog.pk) is None
    assert catalog_with_access(users["owner"], 0) is None


def test_access_levels_include_those_below():
    assert may(Access.OWN, Access.EDIT)
    assert may(Access.EDIT, Access.VIEW)
    assert may(Access.VIEW, Access.VIEW)
    assert not may(Access.VIEW, Access.EDIT)
    assert not may(Access.EDIT, Access.OWN)
    assert not may(Access.NONE, Access.VIEW)


def test_a_card_shared_alone_gives_the_access_of_its_role(django_assert_num_queries):
    card = FlashcardFactory()
    viewer, editor = UserFactory.create_batch(2)
    FlashcardShare.objects.create(flashcard=card, user=viewer, role=Role.VIEWER)
    FlashcardShare.objects.create(flashcard=card, user=editor, role=Role.EDITOR)
    listed = flashcards_with_details(flashcards_visible_to(editor), editor).get()

    assert flashcard_access(viewer, card) == Access.VIEW
    with django_assert_num_queries(0):
        assert flashcard_access(editor, listed) == Access.EDIT


def test_the_share_link_gives_the_detailed_catalog_to_view(people):
    users, catalog, _ = people
    catalog.visibility = Catalog.Visibility.UNLISTED
    catalog.share_token = "secret-token"
    catalog.save()

    linked = catalog_by_share_token(user=users["stranger"], token="secret-token")
    assert linked is not None
    assert (linked.flashcard_count, catalog_access(users["stranger"], linked)) == (1, Access.VIEW)
    assert catalog_access(users["stranger"], catalog) == Access.NONE  # not by its id


def test_anonymous_sees_nothing(people):
    _, catalog, _card = people
    catalog.visibility = Catalog.Visibility.PUBLIC
    catalog.save()
    anonymous = AnonymousUser()

    assert not catalogs_visible_to(anonymous).exists()
    assert not flashcards_visible_to(anonymous).exists()
    assert catalog_by_share_token(user=anonymous, token="x") is None


def test_public_catalog_is_visible_to_all_but_editable_by_none_but_its_editors(people):
    users, catalog, card = people
    catalog.visibility = Catalog.Visibility.PUBLIC
    catalog.save()

    assert catalogs_visible_to(users["stranger"]).filter(pk=catalog.pk).exists()
    assert flashcards_visible_to(users["stranger"]).filter(pk=card.pk).exists()
    assert not catalogs_editable_by(users["stranger"]).exists()
    assert not flashcards_editable_by(users["stranger"]).filter(pk=card.pk).exists()


def test_what_one_user_may_do_is_never_read_from_another_users_share(people):
    users, catalog, _ = people
    catalog.visibility = Catalog.Visibility.PUBLIC
    catalog.save()

    # Catalogs the editor may see, then asked about the stranger: the stranger's own
    # (absent) share decides, not the editor's, which the first query had joined.
    listed = catalogs_with_details(catalogs_visible_to(users["editor"]), users["stranger"])

    found = listed.get(pk=catalog.pk)
    assert not found.user_can_edit
    assert catalog_access(users["stranger"], found) == Access.VIEW


def test_unlisted_catalog_opens_only_by_its_current_link(people):
    users, catalog, _ = people
    catalog.visibility = Catalog.Visibility.UNLISTED
    catalog.share_token = "secret-token"
    catalog.save()

    assert not catalogs_visible_to(users["stranger"]).filter(pk=catalog.pk).exists()
    assert catalog_by_share_token(user=users["stranger"], token="secret-token") == catalog
    assert catalog_by_share_token(user=users["stranger"], token="old-token") is None
    catalog.visibility = Catalog.Visibility.PRIVATE
    catalog.save()
    assert catalog_by_share_token(user=users["stranger"], token="secret-token") is None


def test_a_card_shared_alone_is_visible_and_editable_by_role():
    card = FlashcardFactory()
    viewer, editor = UserFactory.create_batch(2)
    FlashcardShare.objects.create(flashcard=card, user=viewer, role=Role.VIEWER)
    FlashcardShare.objects.create(flashcard=card, user=editor, role=Role.EDITOR)

    assert flashcards_visible_to(viewer).get() == card
    assert not flashcards_editable_by(viewer).exists()
    assert flashcards_editable_by(editor).get() == card


def test_visibility_lists_each_catalog_once_whatever_the_number_of_shares(people):
    users, catalog, _ = people
    catalog.visibility = Catalog.Visibility.PUBLIC
    catalog.save()

    assert list(catalogs_visible_to(users["viewer"])) == [catalog]


def test_duplicates_exact_first_then_near_among_my_cards_of_the_language():
    spanish, french = LanguageFactory(code="es"), LanguageFactory(code="fr")
    me = UserFactory()
    exact = FlashcardFactory(owner=me, language=spanish, front="la casa")
    near = FlashcardFactory(owner=me, language=spanish, front="las casas")
    FlashcardFactory(owner=me, language=spanish, front="el perro")
    FlashcardFactory(owner=me, language=french, front="la casa")
    FlashcardFactory(language=spanish, front="la casa")

    matches = flashcard_duplicates(user=me, front="  LA  Casa", language=spanish)

    assert [(m.flashcard, m.exact) for m in matches] == [(exact, True), (near, False)]
    assert matches[0].similarity == 1.0
    assert 0.8 <= matches[1].similarity < 1.0


def test_duplicates_of_nothing_is_nothing():
    card = FlashcardFactory()

    assert flashcard_duplicates(user=card.owner, front="   ", language=card.language) == []
    assert flashcard_duplicates(user=AnonymousUser(), front="x", language=card.language) == []


def test_language_counts_per_language_with_no_language_last():
    owner = UserFactory()
    spanish = LanguageFactory(code="es", name="Spanish")
    CatalogFactory.create_batch(2, owner=owner, language=spanish)
    CatalogFactory(owner=owner, language=None)

    assert catalog_language_counts(catalogs_owned_by(owner)) == [
        {"code": "es", "name": "Spanish", "count": 2},
        {"code": None, "name": None, "count": 1},
    ]


# --- The card counter -------------------------------------------------------------------


def _counts(*catalogs: Catalog) -> list[tuple[int, int]]:
    """Each catalog's counted cards next to its real memberships."""
    return [(catalog_flashcard_count(catalog), catalog.memberships.count()) for catalog in catalogs]


def test_the_card_count_follows_every_way_cards_come_and_go():
    owner, editor = UserFactory.create_batch(2)
    spanish = LanguageFactory(code="es")
    catalog, other = CatalogFactory(owner=owner), CatalogFactory(owner=owner)
    CatalogShare.objects.create(catalog=catalog, user=editor, role=Role.EDITOR)

    card = flashcard_create(owner=owner, front="uno", back="one", language=spanish, catalog=catalog)
    catalog_flashcard_add(catalog=other, flashcard=card)
    placed = CatalogFlashcardFactory.create_batch(2, catalog=catalog)
    fields = [CardFields(f"p{n}", "w", "", f"p{n}", spanish) for n in range(3)]
    flashcards_bulk_create(owner=editor, cards=[(catalog.pk, field) for field in fields])
    assert _counts(catalog, other) == [(6, 6), (1, 1)]

    flashcard_delete(flashcard=card, by=owner)  # from both catalogs at once
    catalog_flashcard_remove(catalog=catalog, flashcard=placed[0].flashcard)
    assert _counts(catalog, other) == [(4, 4), (0, 0)]

    editor.delete()  # the cards the editor imported go with their owner
    assert _counts(catalog) == [(1, 1)]


def test_a_copy_counts_its_cards_and_a_deleted_catalog_leaves_no_count():
    catalog = CatalogFactory()
    CatalogFlashcardFactory.create_batch(3, catalog=catalog)

    copy = catalog_copy(catalog=catalog, owner=UserFactory())
    catalog_delete(catalog=catalog, by=catalog.owner)

    assert _counts(copy) == [(3, 3)]
    assert not CatalogCardCount.objects.filter(catalog_id=catalog.pk).exists()


def test_a_membership_moved_to_another_catalog_moves_its_count():
    catalog, other = CatalogFactory.create_batch(2)
    membership = CatalogFlashcardFactory(catalog=catalog)

    CatalogFlashcard.objects.filter(pk=membership.pk).update(catalog=other)

    assert _counts(catalog, other) == [(0, 0), (1, 1)]


def test_listed_catalogs_read_their_count_without_counting():
    catalog = CatalogFactory()
    CatalogFlashcardFactory.create_batch(4, catalog=catalog)
    empty = CatalogFactory(owner=catalog.owner)

    listed = catalogs_with_card_count(Catalog.objects.filter(pk__in=[catalog.pk, empty.pk]))

    assert {row.pk: row.flashcard_count for row in listed} == {catalog.pk: 4, empty.pk: 0}
    assert "COUNT(" not in str(listed.query).upper()


def _learners(*catalogs: Catalog) -> list[tuple[int, int]]:
    """Each catalog's learners as the lists show them next to its real learner rows."""
    listed = catalogs_with_details(
        Catalog.objects.filter(pk__in=[c.pk for c in catalogs]), AnonymousUser()
    )
    shown = {row.pk: row.learner_count for row in listed}
    return [(shown[catalog.pk], catalog.learners.count()) for catalog in catalogs]


def test_the_learner_count_follows_every_way_learners_come_and_go():
    catalog, other = CatalogFactory.create_batch(2)
    first, second, third = UserFactory.create_batch(3)

    catalog_learner_add(catalog=catalog, user=first)
    catalog_learner_add(catalog=catalog, user=first)  # once, however often they study it
    catalog_learner_add(catalog=catalog, user=catalog.owner)  # the owner is no learner
    catalog_copy(catalog=catalog, owner=second)  # a copy to study counts its copier
    catalog_learner_add(catalog=other, user=third)
    assert _learners(catalog, other) == [(2, 2), (1, 1)]

    CatalogLearner.objects.filter(catalog=other).update(catalog=catalog)  # the admin
    assert _learners(catalog, other) == [(3, 3), (0, 0)]

    first.delete()
    CatalogLearner.objects.filter(user=second).delete()
    assert _learners(catalog) == [(1, 1)]

    catalog_delete(catalog=catalog, by=catalog.owner)
    assert not CatalogCardCount.objects.filter(catalog_id=catalog.pk).exists()


def test_learners_and_cards_share_one_counter_row():
    catalog = CatalogFactory()
    catalog_learner_add(catalog=catalog, user=UserFactory())  # the row comes with a learner
    CatalogFlashcardFactory.create_batch(2, catalog=catalog)

    assert _counts(catalog) == [(2, 2)]
    assert _learners(catalog) == [(1, 1)]
    assert (
        "COUNT("
        not in str(catalogs_with_details(Catalog.objects.all(), AnonymousUser()).query).upper()
    )
