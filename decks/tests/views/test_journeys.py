"""Page behaviours the browser journeys (e2e/test_catalogs_*.py) found missing or broken,
pinned down without a browser."""

import pytest

from decks.models import Catalog, ImportJob, Role
from decks.tests.clients import HTMX, page_client
from decks.tests.factories import CatalogFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["owner", "editor", "viewer"])
def test_the_catalog_page_links_its_csv_and_anki_downloads(matrix, who):
    catalog = matrix["catalog"]

    page = page_client(matrix["users"][who]).get(f"/catalogs/{catalog.pk}/").content.decode()

    assert f'href="/catalogs/{catalog.pk}/export/?format=csv" download' in page
    assert f'href="/catalogs/{catalog.pk}/export/?format=apkg" download' in page


def test_a_catalog_opened_by_its_link_offers_no_download_the_link_does_not_grant(matrix):
    catalog = matrix["catalog"]
    catalog.visibility, catalog.share_token = Catalog.Visibility.UNLISTED, "the-token"
    catalog.save()
    stranger = page_client(matrix["users"]["stranger"])

    page = stranger.get("/share/the-token/").content.decode()

    assert "/export/" not in page
    assert stranger.get(f"/catalogs/{catalog.pk}/export/?format=csv").status_code == 404


def test_the_share_page_changes_a_persons_role_in_place(matrix):
    catalog, viewer = matrix["catalog"], matrix["users"]["viewer"]
    client = page_client(matrix["users"]["owner"])

    page = client.get(f"/catalogs/{catalog.pk}/share/").content.decode()
    changed = client.post(f"/catalogs/{catalog.pk}/share/", {"user": "viewer", "role": "editor"})

    assert 'aria-label="Role of viewer"' in page
    assert '<option value="viewer" selected>Viewer</option>' in page
    assert changed.status_code == 302
    assert catalog.shares.get(user=viewer).role == Role.EDITOR
    assert catalog.shares.count() == 2  # changed, not added


def test_editing_in_place_keeps_the_keyboard_focus_in_the_row(matrix):
    catalog, card = matrix["catalog"], matrix["card"]
    client = page_client(matrix["users"]["owner"])
    url = f"/catalogs/{catalog.pk}/cards/{card.pk}/edit/"

    form_row = client.get(url, **HTMX).content.decode()
    saved = client.post(url, {"front": "hola", "back": "hi"}, **HTMX).content.decode()
    cancelled = client.get(f"{url}?show=row", **HTMX).content.decode()
    full_page = client.get(f"/catalogs/{catalog.pk}/").content.decode()

    assert 'name="front" aria-label="Front" maxlength="500" required autofocus' in form_row
    for row in (saved, cancelled):
        assert 'hx-swap="outerHTML" autofocus>Edit</a>' in row
    assert "autofocus>Edit" not in full_page  # a plain visit does not steal the focus


def test_swapped_card_count_and_errors_are_announced(matrix):
    catalog = matrix["catalog"]
    client = page_client(matrix["users"]["owner"])

    page = client.get(f"/catalogs/{catalog.pk}/").content.decode()
    duplicate = client.post(f"/catalogs/{catalog.pk}/", {"front": "hola", "back": "x"}, **HTMX)

    assert '<span aria-live="polite" aria-atomic="true"><span id="card-count"' in page
    assert duplicate.status_code == 400
    error = '<small class="error" role="alert">This word is already in the catalog.</small>'
    assert error in duplicate.content.decode()


@pytest.mark.parametrize(
    ("url", "found"),
    [("/catalogs/?search=catalog", "1 catalog found."), ("/library/?search=zzz", "0 public")],
)
def test_filtered_results_announce_their_count_in_a_stable_live_region(matrix, url, found):
    client = page_client(matrix["users"]["owner"])

    page = client.get(url).content.decode()
    swapped = client.get(url, **HTMX).content.decode()

    assert '<p id="results-status" class="visually-hidden" role="status"></p>' in page
    assert '<p id="results-status" hx-swap-oob="innerHTML">' in swapped
    assert found in swapped


def test_the_catalog_form_puts_help_and_errors_under_labelled_fields(learner, spanish):
    response = page_client(learner).post("/catalogs/new/", {"name": "", "visibility": "private"})
    page = response.content.decode()

    assert response.status_code == 400
    assert '<label for="id_name">Name</label>' in page
    assert '<small id="id_language_helptext">When set, every card is in it.</small>' in page
    assert '<small class="error">This field is required.</small>' in page
    assert 'aria-invalid="true"' in page


def test_a_waiting_import_shows_an_indeterminate_bar_and_a_done_one_links_its_catalog(
    learner,
):
    client = page_client(learner)
    waiting = ImportJob.objects.create(owner=learner, file_name="a.csv", file_format="csv")
    done = ImportJob.objects.create(
        owner=learner, file_name="b.csv", file_format="csv", status=ImportJob.Status.DONE
    )
    catalog = CatalogFactory(owner=learner, name="b")
    done.catalogs.add(catalog)

    waiting_page = client.get(f"/imports/{waiting.pk}/").content.decode()
    done_page = client.get(f"/imports/{done.pk}/").content.decode()

    assert '<progress aria-label="Import progress"></progress>' in waiting_page
    assert f'<a href="/catalogs/{catalog.pk}/">b</a>' in done_page
