import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from decks.models import Catalog, CatalogShare, Flashcard, FlashcardShare, Role
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, FlashcardFactory

pytestmark = pytest.mark.django_db

WHO = ("owner", "editor", "viewer", "stranger", "anonymous")
HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


PAGES = [
    # (method, path, form data, expected status for owner, editor, viewer, stranger, anonymous)
    ("get", "/catalogs/{c}/", None, (200, 200, 200, 404, 302)),
    ("post", "/catalogs/{c}/", {"front": "gato", "back": "cat"}, (302, 302, 403, 404, 302)),
    ("get", "/catalogs/{c}/cards/{f}/edit/", None, (200, 200, 403, 404, 302)),
    (
        "post",
        "/catalogs/{c}/cards/{f}/edit/",
        {"front": "hola", "back": "hi"},
        (302, 302, 403, 404, 302),
    ),
    ("get", "/catalogs/{c}/cards/{f}/remove/", None, (200, 200, 403, 404, 302)),
    ("post", "/catalogs/{c}/cards/{f}/remove/", None, (302, 302, 403, 404, 302)),
    ("get", "/catalogs/{c}/settings/", None, (200, 403, 403, 404, 302)),
    (
        "post",
        "/catalogs/{c}/settings/",
        {"name": "Renamed", "visibility": "private"},
        (302, 403, 403, 404, 302),
    ),
    ("get", "/catalogs/{c}/delete/", None, (200, 403, 403, 404, 302)),
    ("post", "/catalogs/{c}/delete/", None, (302, 403, 403, 404, 302)),
    ("get", "/catalogs/{c}/share/", None, (200, 403, 403, 404, 302)),
    (
        "post",
        "/catalogs/{c}/share/",
        {"user": "outsider", "role": "viewer"},
        (302, 403, 403, 404, 302),
    ),
    ("post", "/catalogs/{c}/share/{s}/revoke/", None, (302, 403, 403, 404, 302)),
    ("post", "/catalogs/{c}/share-link/", None, (302, 403, 403, 404, 302)),
    ("post", "/catalogs/{c}/copy/", None, (302, 302, 302, 404, 302)),
]


@pytest.mark.parametrize(
    ("method", "path", "data", "who", "expected"),
    [
        pytest.param(method, path, data, who, status, id=f"{method} {path} {who}")
        for method, path, data, statuses in PAGES
        for who, status in zip(WHO, statuses, strict=True)
    ],
)
def test_page_permission_matrix(matrix, method, path, data, who, expected):
    share = CatalogShare.objects.create(
        catalog=matrix["catalog"], user=matrix["outsider"], role=Role.VIEWER
    )
    url = path.format(c=matrix["catalog"].pk, f=matrix["card"].pk, s=share.pk)

    response = getattr(client_for(matrix["users"][who]), method)(url, data or {})

    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("path", ["/catalogs/", "/catalogs/new/", "/library/"])
def test_list_pages_need_a_signed_in_user(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_catalog_list_shows_mine_and_shared_with_per_language_counts(matrix, french):
    viewer = matrix["users"]["viewer"]
    CatalogFactory(owner=viewer, name="Mes mots", language=french)
    CatalogFactory(owner=viewer, name="Plus de mots", language=french)
    CatalogFactory(visibility="public", name="Not in my collection")

    page = client_for(viewer).get("/catalogs/").content.decode()

    assert "Mes mots" in page
    assert matrix["catalog"].name in page
    assert "Not in my collection" not in page
    assert "French</a>\n      <small>(2)</small>" in page
    assert "Spanish</a>\n      <small>(1)</small>" in page


def test_catalog_list_filters_and_answers_htmx_with_the_results_only(matrix, french):
    viewer = matrix["users"]["viewer"]
    CatalogFactory(owner=viewer, name="Mes mots", language=french)
    client = client_for(viewer)

    mine = client.get("/catalogs/?scope=mine").content.decode()
    french_only = client.get("/catalogs/?language=fr", **HTMX).content.decode()

    assert "Mes mots" in mine
    assert matrix["catalog"].name not in mine
    assert french_only.lstrip().startswith('<section id="results"')
    assert "Mes mots" in french_only
    assert matrix["catalog"].name not in french_only


def test_create_a_catalog_page(learner, spanish):
    client = client_for(learner)
    response = client.post(
        "/catalogs/new/", {"name": "Verbs", "visibility": "private", "language": "es"}
    )

    catalog = Catalog.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/catalogs/{catalog.pk}/"
    assert catalog.owner == learner
    assert catalog.language == spanish


@pytest.mark.parametrize(
    "data",
    [
        {"name": "  ", "visibility": "private"},
        {"name": "Verbs", "visibility": "private", "language": "xx"},
        {"name": "Verbs", "visibility": "nope"},
    ],
)
def test_create_a_catalog_page_shows_form_errors(learner, data):
    response = client_for(learner).post("/catalogs/new/", data)

    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Catalog.objects.exists()


def test_add_a_card_through_htmx_swaps_the_cards_section(matrix):
    catalog = matrix["catalog"]
    response = client_for(matrix["users"]["editor"]).post(
        f"/catalogs/{catalog.pk}/", {"front": "perro", "back": "dog"}, **HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<span id="card-count" hx-swap-oob="true">2 cards')
    assert '<section id="cards">' in body
    assert "perro" in body
    assert catalog.flashcards.filter(front="perro").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"front": "HOLA", "back": "x"}, "front", "already in the catalog"),
        ({"front": "   ", "back": "x"}, "front", "required"),
        ({"front": "gato", "back": " "}, "back", "required"),
        ({"front": "g" * 501, "back": "x"}, "front", "at most 500"),
    ],
)
def test_adding_a_bad_card_shows_the_error_and_writes_nothing(matrix, data, field, message):
    catalog = matrix["catalog"]
    response = client_for(matrix["users"]["owner"]).post(f"/catalogs/{catalog.pk}/", data, **HTMX)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field]).lower()
    assert Flashcard.objects.count() == 1


def test_a_card_of_another_language_is_refused_in_a_catalog_without_one(learner, spanish):
    catalog = CatalogFactory(owner=learner, language=None)

    missing = client_for(learner).post(f"/catalogs/{catalog.pk}/", {"front": "a", "back": "b"})
    added = client_for(learner).post(
        f"/catalogs/{catalog.pk}/", {"front": "a", "back": "b", "language": "es"}
    )

    assert missing.status_code == 400
    assert "language" in missing.context["form"].errors
    assert added.status_code == 302
    assert catalog.flashcards.get().language == spanish


def test_the_duplicate_warning_while_typing(matrix):
    catalog = matrix["catalog"]
    client = client_for(matrix["users"]["owner"])

    exact = client.get(f"/catalogs/{catalog.pk}/?front=Hola", **HTMX).content.decode()
    near = client.get(f"/catalogs/{catalog.pk}/?front=holas", **HTMX).content.decode()
    none = client.get(f"/catalogs/{catalog.pk}/?front=zapato", **HTMX).content.decode()

    assert "<html" not in exact
    assert "already in this catalog" in exact
    assert "Similar cards" in near
    assert "hola" in near
    assert not none.strip()


def test_edit_in_place_returns_the_row(matrix):
    catalog, card = matrix["catalog"], matrix["card"]
    client = client_for(matrix["users"]["editor"])

    form_row = client.get(f"/catalogs/{catalog.pk}/cards/{card.pk}/edit/", **HTMX)
    saved = client.post(
        f"/catalogs/{catalog.pk}/cards/{card.pk}/edit/",
        {"front": "Hola", "back": "hello", "hint": "greeting"},
        **HTMX,
    )

    assert 'form="edit-card-' in form_row.content.decode()
    assert saved.status_code == 200
    assert saved.content.decode().lstrip().startswith(f'<tr id="card-{card.pk}"')
    card.refresh_from_db()
    assert (card.back, card.hint) == ("hello", "greeting")


def test_edit_into_a_word_already_in_the_catalog_shows_the_error(matrix):
    catalog = matrix["catalog"]
    other = CatalogFlashcardFactory(catalog=catalog, flashcard__front="adiós").flashcard

    response = client_for(matrix["users"]["owner"]).post(
        f"/catalogs/{catalog.pk}/cards/{other.pk}/edit/", {"front": "hola", "back": "x"}, **HTMX
    )

    assert response.status_code == 400
    assert "already in the catalog" in response.content.decode()
    other.refresh_from_db()
    assert other.front == "adiós"


def test_remove_through_htmx_answers_an_empty_row(matrix):
    catalog, card = matrix["catalog"], matrix["card"]

    response = client_for(matrix["users"]["owner"]).post(
        f"/catalogs/{catalog.pk}/cards/{card.pk}/remove/", **HTMX
    )

    assert response.status_code == 200
    assert "<tr" not in response.content.decode()
    assert '<span id="card-count" hx-swap-oob="true">0 cards</span>' in response.content.decode()
    assert not catalog.flashcards.exists()
    assert Flashcard.objects.filter(pk=card.pk).exists()


def test_card_text_is_escaped(learner, spanish):
    catalog = CatalogFactory(owner=learner, language=spanish)
    CatalogFlashcardFactory(
        catalog=catalog, flashcard__front="<script>alert(1)</script>", flashcard__back="<b>x</b>"
    )

    page = client_for(learner).get(f"/catalogs/{catalog.pk}/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_viewers_see_no_editing_controls(matrix):
    catalog = matrix["catalog"]
    page = client_for(matrix["users"]["viewer"]).get(f"/catalogs/{catalog.pk}/").content.decode()

    assert 'id="add-card"' not in page
    assert "/edit/" not in page
    assert "Copy into my catalogs" in page


def test_settings_change_visibility_and_refuse_a_clashing_language(matrix, french):
    catalog = matrix["catalog"]
    client = client_for(matrix["users"]["owner"])

    refused = client.post(
        f"/catalogs/{catalog.pk}/settings/",
        {"name": "Words", "visibility": "unlisted", "language": "fr"},
    )
    saved = client.post(
        f"/catalogs/{catalog.pk}/settings/",
        {"name": "Words", "visibility": "unlisted", "language": "es"},
    )

    assert refused.status_code == 400
    assert "language" in refused.context["form"].errors
    assert saved.status_code == 302
    catalog.refresh_from_db()
    assert catalog.visibility == "unlisted"
    assert catalog.share_token


def test_share_dialog_shares_and_shows_errors(matrix):
    catalog = matrix["catalog"]
    client = client_for(matrix["users"]["owner"])

    unknown = client.post(f"/catalogs/{catalog.pk}/share/", {"user": "ghost", "role": "viewer"})
    myself = client.post(f"/catalogs/{catalog.pk}/share/", {"user": "owner", "role": "viewer"})
    shared = client.post(
        f"/catalogs/{catalog.pk}/share/", {"user": "outsider@example.com", "role": "editor"}
    )

    assert unknown.status_code == 400
    assert "No user with that username or email." in unknown.content.decode()
    assert myself.status_code == 400
    assert "yourself" in myself.content.decode()
    assert shared.status_code == 302
    assert catalog.shares.get(user=matrix["outsider"]).role == Role.EDITOR


def test_delete_a_catalog(matrix):
    catalog = matrix["catalog"]

    response = client_for(matrix["users"]["owner"]).post(f"/catalogs/{catalog.pk}/delete/")

    assert response["Location"] == "/catalogs/"
    assert not Catalog.objects.filter(pk=catalog.pk).exists()


def test_share_link_page_opens_an_unlisted_catalog_read_only(matrix):
    catalog, stranger = matrix["catalog"], matrix["users"]["stranger"]
    catalog.visibility = Catalog.Visibility.UNLISTED
    catalog.share_token = "the-token"
    catalog.save()

    opened = client_for(stranger).get("/share/the-token/")
    wrong = client_for(stranger).get("/share/another-token/")

    assert opened.status_code == 200
    assert "hola" in opened.content.decode()
    assert 'id="add-card"' not in opened.content.decode()
    assert wrong.status_code == 404
    assert client_for(None).get("/share/the-token/").status_code == 302


def test_a_catalog_opened_by_its_link_can_be_copied_from_that_page(matrix):
    catalog, stranger = matrix["catalog"], matrix["users"]["stranger"]
    catalog.visibility = Catalog.Visibility.UNLISTED
    catalog.share_token = "the-token"
    catalog.save()
    client = client_for(stranger)

    page = client.get("/share/the-token/").content.decode()
    response = client.post("/share/the-token/copy/")

    assert 'action="/share/the-token/copy/"' in page
    copy = Catalog.objects.get(owner=stranger)
    assert response["Location"] == f"/catalogs/{copy.pk}/"
    assert copy.flashcards.get().front == "hola"
    assert client.post("/share/old-token/copy/").status_code == 404
    assert client.get("/share/the-token/copy/").status_code == 405


def test_library_lists_searches_and_copies(matrix, french):
    stranger = matrix["users"]["stranger"]
    public = CatalogFactory(visibility="public", language=french, name="Le vocabulaire")
    CatalogFlashcardFactory.create_batch(2, catalog=public)
    client = client_for(stranger)

    page = client.get("/library/").content.decode()
    found = client.get("/library/?search=vocab&language=fr", **HTMX).content.decode()
    nothing = client.get("/library/?language=es").content.decode()
    copied = client.post(f"/catalogs/{public.pk}/copy/")

    assert "Le vocabulaire" in page
    assert matrix["catalog"].name not in page
    assert "Le vocabulaire" in found
    assert "2 cards" in found
    assert "Le vocabulaire" not in nothing
    copy = Catalog.objects.get(owner=stranger)
    assert copied["Location"] == f"/catalogs/{copy.pk}/"
    assert copy.flashcards.count() == 2


def test_nav_links_for_signed_in_users_only(learner):
    assert 'href="/catalogs/"' in client_for(learner).get("/").content.decode()
    assert 'href="/catalogs/"' not in Client().get("/").content.decode()


def test_catalog_detail_query_count_does_not_grow_with_cards(
    learner, spanish, django_assert_max_num_queries
):
    catalog = CatalogFactory(owner=learner, language=spanish)
    CatalogShare.objects.create(catalog=catalog, user=UserFactory(), role=Role.VIEWER)
    client = client_for(learner)

    CatalogFlashcardFactory.create_batch(2, catalog=catalog)
    with django_assert_max_num_queries(8) as few:
        client.get(f"/catalogs/{catalog.pk}/")
    CatalogFlashcardFactory.create_batch(30, catalog=catalog)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/catalogs/{catalog.pk}/")
    assert response.content.decode().count('<tr id="card-') == 32


def test_catalog_list_query_count_does_not_grow_with_catalogs(
    learner, spanish, django_assert_max_num_queries
):
    client = client_for(learner)
    CatalogFlashcardFactory(catalog__owner=learner, catalog__language=spanish)
    with django_assert_max_num_queries(10) as few:
        client.get("/catalogs/")
    for _ in range(10):
        catalog = CatalogFactory(owner=learner, language=spanish)
        CatalogFlashcardFactory.create_batch(3, catalog=catalog)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/catalogs/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/library/")


def test_loose_cards_of_mine_show_in_warnings_too(learner, spanish):
    catalog = CatalogFactory(owner=learner, language=spanish)
    FlashcardFactory(owner=learner, language=spanish, front="manzana")

    warning = client_for(learner).get(f"/catalogs/{catalog.pk}/?front=manzanas", **HTMX)

    assert "manzana" in warning.content.decode()


def test_shared_with_me_lists_catalogs_and_single_cards(matrix):
    viewer = matrix["users"]["viewer"]
    CatalogFactory(owner=viewer, name="Mine alone")
    card = FlashcardFactory(front="schön", back="beautiful")
    FlashcardShare.objects.create(flashcard=card, user=viewer, role=Role.EDITOR)

    page = client_for(viewer).get("/catalogs/?scope=shared").content.decode()

    assert matrix["catalog"].name in page
    assert "Mine alone" not in page
    assert "Cards shared with you" in page
    assert "schön" in page


@pytest.mark.parametrize(
    "url",
    [
        "/catalogs/?search=%00&language=%00&visibility=%00&page=abc",
        "/library/?search=a%00&language=%00&page=999",
    ],
)
def test_odd_query_strings_on_pages_are_never_a_500(learner, url):
    assert client_for(learner).get(url).status_code == 200


def test_odd_duplicate_check_is_never_a_500(learner):
    catalog = CatalogFactory(owner=learner, language=None)

    response = client_for(learner).get(f"/catalogs/{catalog.pk}/?front=a%00&language=%00", **HTMX)

    assert response.status_code == 200


CARD_SHARE_PAGES = [
    ("get", "/flashcards/{f}/share/", None, (200, 403, 403, 404, 302)),
    (
        "post",
        "/flashcards/{f}/share/",
        {"user": "outsider", "role": "editor"},
        (302, 403, 403, 404, 302),
    ),
    ("post", "/flashcards/{f}/share/{s}/revoke/", None, (302, 403, 403, 404, 302)),
]


@pytest.mark.parametrize(
    ("method", "path", "data", "who", "expected"),
    [
        pytest.param(method, path, data, who, status, id=f"{method} {path} {who}")
        for method, path, data, statuses in CARD_SHARE_PAGES
        for who, status in zip(WHO, statuses, strict=True)
    ],
)
def test_card_share_page_permission_matrix(matrix, method, path, data, who, expected):
    share = FlashcardShare.objects.create(
        flashcard=matrix["card"], user=UserFactory(), role=Role.VIEWER
    )
    url = path.format(f=matrix["card"].pk, s=share.pk)

    response = getattr(client_for(matrix["users"][who]), method)(url, data or {})

    assert response.status_code == expected


def test_share_a_single_card_from_the_catalog_page(matrix):
    owner, card = matrix["users"]["owner"], matrix["card"]
    client = client_for(owner)

    detail = client.get(f"/catalogs/{matrix['catalog'].pk}/").content.decode()
    refused = client.post(f"/flashcards/{card.pk}/share/", {"user": "owner", "role": "viewer"})
    shared = client.post(f"/flashcards/{card.pk}/share/", {"user": "outsider", "role": "editor"})

    assert f'href="/flashcards/{card.pk}/share/"' in detail
    assert refused.status_code == 400
    assert shared.status_code == 302
    assert FlashcardShare.objects.get(flashcard=card).user == matrix["outsider"]


@pytest.mark.parametrize(("who", "linked"), [("owner", True), ("editor", True), ("viewer", False)])
def test_import_links_lead_to_the_import_page_with_the_catalog_chosen(matrix, who, linked):
    client = client_for(matrix["users"][who])
    catalog = matrix["catalog"]

    listing = client.get("/catalogs/").content.decode()
    detail = client.get(f"/catalogs/{catalog.pk}/").content.decode()

    assert 'href="/catalogs/import/"' in listing
    assert (f'href="/catalogs/import/?catalog={catalog.pk}"' in detail) is linked
    if linked:
        form = client.get(f"/catalogs/import/?catalog={catalog.pk}").content.decode()
        assert f'<option value="{catalog.pk}" selected>' in form
