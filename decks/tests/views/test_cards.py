import pytest

from decks.models import Flashcard
from decks.tests.clients import HTMX, page_client
from decks.tests.factories import CatalogFlashcardFactory

pytestmark = pytest.mark.django_db


def test_edit_in_place_returns_the_row(matrix):
    catalog, card = matrix["catalog"], matrix["card"]
    client = page_client(matrix["users"]["editor"])

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

    response = page_client(matrix["users"]["owner"]).post(
        f"/catalogs/{catalog.pk}/cards/{other.pk}/edit/", {"front": "hola", "back": "x"}, **HTMX
    )

    assert response.status_code == 400
    assert "already in the catalog" in response.content.decode()
    other.refresh_from_db()
    assert other.front == "adiós"


def test_remove_through_htmx_answers_an_empty_row(matrix):
    catalog, card = matrix["catalog"], matrix["card"]

    response = page_client(matrix["users"]["owner"]).post(
        f"/catalogs/{catalog.pk}/cards/{card.pk}/remove/", **HTMX
    )

    assert response.status_code == 200
    assert "<tr" not in response.content.decode()
    assert '<span id="card-count" hx-swap-oob="true">0 cards</span>' in response.content.decode()
    assert not catalog.flashcards.exists()
    assert Flashcard.objects.filter(pk=card.pk).exists()


def test_a_card_typed_with_formatting_shows_it_and_never_stores_a_script(matrix):
    catalog, card = matrix["catalog"], matrix["card"]
    client = page_client(matrix["users"]["owner"])

    client.post(
        f"/catalogs/{catalog.pk}/cards/{card.pk}/edit/",
        {"front": "<b>Hola</b>", "back": "hello<script>alert(1)</script>", "hint": "<i>hi</i>"},
    )
    page = client.get(f"/catalogs/{catalog.pk}/").content.decode()

    card.refresh_from_db()
    assert (card.front, card.back, card.hint) == ("<b>Hola</b>", "hello", "<i>hi</i>")
    assert "<b>Hola</b>" in page
    assert "<i>hi</i>" in page
    assert 'hx-confirm="Remove “Hola” from this catalog?"' in page


def test_hostile_html_in_the_database_shows_as_text_on_the_card_pages(matrix):
    catalog, card = matrix["catalog"], matrix["card"]
    Flashcard.objects.filter(pk=card.pk).update(
        front='<b onmouseover="alert(1)">Hola</b>', back="<script>alert(2)</script><u>hi</u>"
    )
    client = page_client(matrix["users"]["owner"])

    for url in (f"/catalogs/{catalog.pk}/", f"/cards/{card.pk}/"):
        page = client.get(url).content.decode()
        assert "<b onmouseover" not in page
        assert "&lt;b onmouseover=" in page
        assert "<script>alert" not in page
        assert "<u>hi</u>" in page


def test_editing_a_card_keeps_its_line_breaks(matrix):
    catalog, card = matrix["catalog"], matrix["card"]
    Flashcard.objects.filter(pk=card.pk).update(back="to eat\nYo como pan.")
    client = page_client(matrix["users"]["owner"])
    url = f"/catalogs/{catalog.pk}/cards/{card.pk}/edit/"

    form = client.get(url).content.decode()
    client.post(url, {"front": "hola", "back": "to eat<br>Yo como pan.", "hint": ""})

    assert 'value="to eat&lt;br&gt;Yo como pan."' in form
    card.refresh_from_db()
    assert card.back == "to eat\nYo como pan."


def test_quotes_in_a_card_stay_inside_the_attributes_of_its_row(matrix):
    catalog, card = matrix["catalog"], matrix["card"]
    Flashcard.objects.filter(pk=card.pk).update(front="\"><img src=x onerror=alert(1)> & 'x'")

    page = page_client(matrix["users"]["owner"]).get(f"/catalogs/{catalog.pk}/").content.decode()

    assert "<img" not in page
    quoted = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#x27;x&#x27;"
    assert f'hx-confirm="Remove “{quoted}” from this catalog?"' in page
    assert f'data-speak="{quoted}"' in page


def test_the_row_htmx_swaps_back_is_the_row_the_page_shows(matrix):
    catalog, card = matrix["catalog"], matrix["card"]
    client = page_client(matrix["users"]["editor"])

    page = client.get(f"/catalogs/{catalog.pk}/").content.decode()
    row = client.get(f"/catalogs/{catalog.pk}/cards/{card.pk}/edit/?show=row", **HTMX)

    shown = row.content.decode().strip()
    assert shown.startswith(f'<tr id="card-{card.pk}">')
    assert shown.replace(" autofocus>Edit", ">Edit") in page  # back from editing: focus on Edit


def test_right_to_left_text_in_a_heading_is_isolated_from_the_sentence_around_it(matrix):
    # Unisolated, "Edit “كتاب”" would take the quotes and the question mark into the
    # Arabic run and show them in the wrong places.
    catalog, card = matrix["catalog"], matrix["card"]
    Flashcard.objects.filter(pk=card.pk).update(front="كتاب")
    catalog.name = "عربي"
    catalog.save()
    client = page_client(matrix["users"]["owner"])

    edit = client.get(f"/catalogs/{catalog.pk}/cards/{card.pk}/edit/").content.decode()
    remove = client.get(f"/catalogs/{catalog.pk}/cards/{card.pk}/remove/").content.decode()

    assert "<h1>Edit “<bdi>كتاب</bdi>”</h1>" in edit
    assert "<h1>Remove “<bdi>كتاب</bdi>” from “<bdi>عربي</bdi>”?</h1>" in remove
