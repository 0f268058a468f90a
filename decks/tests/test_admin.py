import pytest

from accounts.tests.factories import UserFactory
from decks.models import ImportJob
from decks.tests.factories import CatalogFlashcardFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["catalog", "flashcard", "language"])
def test_staff_browse_decks_in_admin(client, path):
    membership = CatalogFlashcardFactory()
    client.force_login(UserFactory(is_admin=True, is_superuser=True))

    assert client.get(f"/admin/decks/{path}/").status_code == 200
    assert client.get(f"/admin/decks/catalog/{membership.catalog.pk}/change/").status_code == 200
    assert (
        client.get(f"/admin/decks/flashcard/{membership.flashcard.pk}/change/").status_code == 200
    )


def test_staff_watch_import_jobs_read_only_and_filter_them_by_status(client):
    learner = UserFactory(username="importer")
    ImportJob.objects.create(
        owner=learner, file_name="ok.csv", file_format="csv", status="done", created_count=12
    )
    failed = ImportJob.objects.create(
        owner=learner, file_name="broken.apkg", file_format="apkg", status="failed"
    )
    client.force_login(UserFactory(is_admin=True, is_superuser=True))

    listing = client.get("/admin/decks/importjob/").content.decode()
    failed_only = client.get("/admin/decks/importjob/?status__exact=failed").content.decode()
    detail = client.get(f"/admin/decks/importjob/{failed.pk}/change/")

    assert all(text in listing for text in ("ok.csv", "broken.apkg", "importer"))
    assert "broken.apkg" in failed_only
    assert "ok.csv" not in failed_only
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.get("/admin/decks/importjob/add/").status_code == 403
    assert client.post(f"/admin/decks/importjob/{failed.pk}/delete/").status_code == 403
    assert ImportJob.objects.count() == 2
