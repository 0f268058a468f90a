import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from decks.models import Catalog, CatalogShare, Flashcard, FlashcardShare, Role
from decks.tests.clients import HTMX, WHO, page_client
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, FlashcardFactory
from decks.tests.queries import membership_counts

pytestmark = pytest.mark.django_db

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

    response = getattr(page_client(matrix["users"][who]), method)(url, data or {})

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

    page = page_client(viewer).get("/catalogs/").content.decode()

    assert "Mes mots" in page
    assert matrix["catalog"].name in page
    assert "Not in my collection" not in page
    assert "French</a>\n      <small>(2)</small>" in page
    assert "Spanish</a>\n      <small>(1)</small>" in page


def test_catalog_list_filters_and_answers_htmx_with_the_results_only(matrix, french):
    viewer = matrix["users"]["viewer"]
    CatalogFactory(owner=viewer, name="Mes mots", language=french)
    client = page_client(viewer)

    mine = client.get("/catalogs/?scope=mine").content.decode()
    french_only = client.get("/catalogs/?language=fr", **HTMX).content.decode()

    assert "Mes mots" in mine
    assert matrix["catalog"].name not in mine
    assert french_only.lstrip().startswith('<section id="results"')
    assert "Mes mots" in french_only
    assert matrix["catalog"].name not in french_only


def test_create_a_catalog_page(learner, spanish):
    client = page_client(learner)
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
    response = page_client(learner).post("/catalogs/new/", data)

    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Catalog.objects.exists()


def test_add_a_card_through_htmx_swaps_the_cards_section(matrix):
    catalog = matrix["catalog"]
    response = page_client(matrix["users"]["editor"]).post(
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
    response = page_client(matrix["users"]["owner"]).post(f"/catalogs/{catalog.pk}/", data, **HTMX)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field]).lower()
    assert Flashcard.objects.count() == 1


def test_a_card_of_another_language_is_refused_in_a_catalog_without_one(learner, spanish):
    catalog = CatalogFactory(owner=learner, language=None)

    missing = page_client(learner).post(f"/catalogs/{catalog.pk}/", {"front": "a", "back": "b"})
    added = page_client(learner).post(
        f"/catalogs/{catalog.pk}/", {"front": "a", "back": "b", "language": "es"}
    )

    assert missing.status_code == 400
    assert "language" in missing.context["form"].errors
    assert added.status_code == 302
    assert catalog.flashcards.get().language == spanish


def test_the_duplicate_warning_while_typing(matrix):
    catalog = matrix["catalog"]
    client = page_client(matrix["users"]["owner"])

    exact = client.get(f"/catalogs/{catalog.pk}/?front=Hola", **HTMX).content.decode()
    near = client.get(f"/catalogs/{catalog.pk}/?front=holas", **HTMX).content.decode()
    none = client.get(f"/catalogs/{catalog.pk}/?front=zapato", **HTMX).content.decode()

    assert "<html" not in exact
    assert "already in this catalog" in exact
    assert "Similar cards" in near
    assert "hola" in near
    assert not none.strip()


def test_card_text_shows_its_formatting_and_escapes_the_rest(learner, spanish):
    catalog = CatalogFactory(owner=learner, language=spanish)
    CatalogFlashcardFactory(
        catalog=catalog, flashcard__front="<script>alert(1)</script>", flashcard__back="<b>x</b>"
    )

    page = page_client(learner).get(f"/catalogs/{catalog.pk}/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<td><b>x</b></td>" in page  # bold is kept formatting


def test_viewers_see_no_editing_controls(matrix):
    catalog = matrix["catalog"]
    page = page_client(matrix["users"]["viewer"]).get(f"/catalogs/{catalog.pk}/").content.decode()

    assert 'id="add-card"' not in page
    assert "/edit/" not in page
    assert "Copy into my catalogs" in page


def test_settings_change_visibility_and_refuse_a_clashing_language(matrix, french):
    catalog = matrix["catalog"]
    client = page_client(matrix["users"]["owner"])

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


def test_delete_a_catalog(matrix):
    catalog = matrix["catalog"]

    response = page_client(matrix["users"]["owner"]).post(f"/catalogs/{catalog.pk}/delete/")

    assert response["Location"] == "/catalogs/"
    assert not Catalog.objects.filter(pk=catalog.pk).exists()


def test_nav_links_for_signed_in_users_only(learner):
    assert 'href="/catalogs/"' in page_client(learner).get("/").content.decode()
    assert 'href="/catalogs/"' not in Client().get("/").content.decode()


def test_catalog_detail_query_count_does_not_grow_with_cards(
    learner, spanish, django_assert_max_num_queries
):
    catalog = CatalogFactory(owner=learner, language=spanish)
    CatalogShare.objects.create(catalog=catalog, user=UserFactory(), role=Role.VIEWER)
    client = page_client(learner)

    CatalogFlashcardFactory.create_batch(2, catalog=catalog)
    with django_assert_max_num_queries(8) as few:
        client.get(f"/catalogs/{catalog.pk}/")
    CatalogFlashcardFactory.create_batch(60, catalog=catalog)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(f"/catalogs/{catalog.pk}/")
    page = response.content.decode()
    assert (page.count('<tr id="card-'), "62 cards" in page, "Page 1 of 2" in page) == (
        50,
        True,
        True,
    )
    assert not membership_counts(many)


def test_catalog_list_query_count_does_not_grow_with_catalogs(
    learner, spanish, django_assert_max_num_queries
):
    client = page_client(learner)
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

    warning = page_client(learner).get(f"/catalogs/{catalog.pk}/?front=manzanas", **HTMX)

    assert "manzana" in warning.content.decode()


def test_shared_with_me_lists_catalogs_and_single_cards(matrix):
    viewer = matrix["users"]["viewer"]
    CatalogFactory(owner=viewer, name="Mine alone")
    card = FlashcardFactory(front="schön", back="beautiful")
    FlashcardShare.objects.create(flashcard=card, user=viewer, role=Role.EDITOR)

    page = page_client(viewer).get("/catalogs/?scope=shared").content.decode()

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
    assert page_client(learner).get(url).status_code == 200


def test_odd_duplicate_check_is_never_a_500(learner):
    catalog = CatalogFactory(owner=learner, language=None)

    response = page_client(learner).get(f"/catalogs/{catalog.pk}/?front=a%00&language=%00", **HTMX)

    assert response.status_code == 200


@pytest.mark.parametrize(("who", "linked"), [("owner", True), ("editor", True), ("viewer", False)])
def test_import_links_lead_to_the_import_page_with_the_catalog_chosen(matrix, who, linked):
    client = page_client(matrix["users"][who])
    catalog = matrix["catalog"]

    listing = client.get("/catalogs/").content.decode()
    detail = client.get(f"/catalogs/{catalog.pk}/").content.decode()

    assert 'href="/catalogs/import/"' in listing
    assert (f'href="/catalogs/import/?catalog={catalog.pk}"' in detail) is linked
    if linked:
        form = client.get(f"/catalogs/import/?catalog={catalog.pk}").content.decode()
        assert f'<option value="{catalog.pk}" selected>' in form
