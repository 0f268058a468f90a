"""Anki review history: an imported package brings its revlog, and each card's memory is
rebuilt from it as py-fsrs would have scheduled it."""

import contextlib
import io
import sqlite3
import tempfile
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from decks.importers import ParsedFile, ParsedRow, RevlogReview
from decks.models import Flashcard, ImportJob
from decks.services.imports import flashcards_import, import_job_create, import_job_run
from decks.services.languages import languages_seed
from decks.signals import ImportedReview
from decks.tests.anki_fixtures import (
    ANKI_FIXTURES,
    APKG_FILES,
    anki_package,
    expected_counts,
    fixture_histories,
    generated_review,
    manifest,
)
from quizzes.models import CardProgress, CardState, Rating, ReviewLog
from quizzes.services.history import HISTORY_BATCH, review_history_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def languages(db):
    languages_seed()


@pytest.fixture
def queue_import(learner, django_capture_on_commit_callbacks):
    """An import job for `content`, not run yet (the test runs it)."""

    def queue(content: bytes, name: str = "deck.apkg", user=None) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=False):
            return import_job_create(
                owner=user or learner, file=SimpleUploadedFile(name, content), language_code="es"
            )

    return queue


@pytest.fixture
def run_import(queue_import):
    def run(content: bytes, **kwargs) -> ImportJob:
        return import_job_run(job_id=queue_import(content, **kwargs).pk)

    return run


def at_ms(revlog_id: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=revlog_id)


def direct_replay(reviews):
    """py-fsrs alone, with the default scheduler a new learner has, and the bookkeeping
    a learner sees (reps, lapses, streaks) counted the way Anki counts them."""
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=1)
    lapses = streak = best = 0
    for revlog_id, ease, duration in reviews:
        lapses += ease == Rating.AGAIN and card.state == fsrs.State.Review
        streak = 0 if ease == Rating.AGAIN else streak + 1
        best = max(best, streak)
        card, _ = scheduler.review_card(
            card, fsrs.Rating(ease), review_datetime=at_ms(revlog_id), review_duration=duration
        )
    return card, {"reps": len(reviews), "lapses": lapses, "streak": streak, "best_streak": best}


@pytest.mark.parametrize("file", APKG_FILES)
def test_imported_history_rebuilds_the_memory_a_direct_replay_gives(run_import, learner, file):
    job = run_import((ANKI_FIXTURES / file).read_bytes(), name=file)

    histories = fixture_histories(file)
    assert sum(map(len, histories.values())) == job.reviews_imported
    assert len(histories) == (12 - 1 if manifest()[file]["revlog_rows"] else 0)  # one reversed
    assert CardProgress.objects.filter(user=learner).count() == len(histories)
    for front, reviews in histories.items():
        progress = CardProgress.objects.get(user=learner, flashcard__front=front)
        expected, bookkeeping = direct_replay(reviews)
        assert progress.state == expected.state.value
        assert progress.step == expected.step
        assert progress.stability == pytest.approx(expected.stability)
        assert progress.difficulty == pytest.approx(expected.difficulty)
        assert progress.due == expected.due
        assert progress.last_review == at_ms(reviews[-1][0])
        assert {name: getattr(progress, name) for name in bookkeeping} == bookkeeping


def test_each_revlog_entry_becomes_a_review_with_its_time_grade_and_duration(run_import, learner):
    run_import((ANKI_FIXTURES / "anki21.apkg").read_bytes())

    # hablar: learnt with Good, Good, Good, then Easy (MANIFEST's reviewed_cards)
    logs = ReviewLog.objects.filter(user=learner, flashcard__front="hablar")
    assert [log.rating for log in logs] == [3, 3, 3, 4]
    expected = fixture_histories("anki21.apkg")["hablar"]
    assert [(log.reviewed_at, log.response_ms) for log in logs] == [
        (at_ms(revlog_id), duration) for revlog_id, _, duration in expected
    ]
    assert {log.source for log in logs} == {ReviewLog.Source.IMPORT}
    assert logs[0].state_before == {"state": CardState.NEW}
    assert logs[3].state_after["state"] == CardState.REVIEW


def test_a_learner_coming_from_anki_sees_real_memory_strengths(run_import, learner_api_client):
    run_import((ANKI_FIXTURES / "anki21b.apkg").read_bytes())

    rows = learner_api_client.get("/api/v1/progress/?page_size=100").json()["results"]
    by_front = {Flashcard.objects.get(pk=row["flashcard"]).front: row for row in rows}
    assert by_front["hablar"]["reps"] == 4
    assert by_front["hablar"]["state"] == "Review"
    assert by_front["hablar"]["memory_strength"] > 0
    assert by_front["el queso"]["lapses"] == 1


def test_the_job_counts_what_was_imported_and_skipped(run_import, learner_api_client):
    job = run_import((ANKI_FIXTURES / "anki21.apkg").read_bytes())

    shown = learner_api_client.get(f"/api/v1/imports/{job.pk}/").json()
    expected = expected_counts("anki21.apkg")
    assert (shown["reviews_imported"], shown["reviews_skipped"]) == (47, 6)
    assert (expected["reviews_imported"], expected["reviews_skipped"]) == (47, 6)
    assert "6 reviews of the history were skipped" in shown["detail"]


def test_importing_the_same_package_twice_adds_no_review(run_import, learner):
    content = (ANKI_FIXTURES / "anki21.apkg").read_bytes()
    first = run_import(content)
    again = run_import(content)

    assert again.status == ImportJob.Status.DONE
    assert again.created_count == first.created_count  # the words, in new catalogs
    assert ReviewLog.objects.filter(user=learner).count() == first.reviews_imported == 47
    assert (again.reviews_imported, again.reviews_skipped) == (0, 53)
    assert "already imported" in again.detail


def test_another_learner_importing_the_same_package_gets_their_own_history(run_import, learner):
    content = (ANKI_FIXTURES / "anki21.apkg").read_bytes()
    run_import(content)
    other = UserFactory()
    job = run_import(content, user=other)

    assert job.reviews_imported == 47
    assert ReviewLog.objects.filter(user=other).count() == 47


@contextlib.contextmanager
def collection_of(package: bytes):
    """The collection of a generated package, to change, and the package rebuilt after."""
    with tempfile.TemporaryDirectory() as folder:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            entries = {name: archive.read(name) for name in archive.namelist()}
        path = Path(folder) / "collection.anki2"
        path.write_bytes(entries["collection.anki2"])
        db = sqlite3.connect(path)
        rebuilt = io.BytesIO()
        yield db, rebuilt
        db.commit()
        db.close()
        entries["collection.anki2"] = path.read_bytes()
        with zipfile.ZipFile(rebuilt, "w") as archive:
            for name, data in entries.items():
                archive.writestr(name, data)


def test_damaged_entries_and_reviews_of_missing_cards_are_skipped_and_counted(run_import, learner):
    # Three cards with three reviews each, then the history damaged.
    first, second, third = 0, 1, 2
    base = generated_review(0, 5)[0]
    future = int(datetime.now(UTC).timestamp() * 1000) + 7 * 86_400_000
    damage = [
        (base + 1, None, 3, 1000, 1, 2500),  # a card that is not in the package
        (base + 2, first, 0, 0, 4, 2500),  # set due date: manual, no grade
        (base + 3, first, 0, 0, 5, 2500),  # rescheduled: no grade
        (base + 4, first, 7, 1000, 1, 2500),  # no such button
        (base + 5, first, "good", 1000, 1, 2500),  # not a number
        (base + 6, first, 3, 1000, 9, 2500),  # no such kind of review
        (base + 7, first, 3, 1000, 3, 0),  # cramming: changed nothing in Anki
        (1_000, first, 3, 1000, 1, 2500),  # answered in 1970
        (future, first, 3, 1000, 1, 2500),  # answered next week
        (base + 8, first, 3, -5, 1, 2500),  # kept, its duration is not
        (base + 9, second, 0, 0, 4, 0),  # reset to new: its 3 earlier reviews go
        (base + 10, second, 4, 800, 0, 2500),  # learnt again from there
    ]
    job = run_import(anki_package(3, reviews_per_note=3, revlog=damage))

    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 3
    assert job.reviews_imported == 3 + 1 + 1 + 3  # first, second, third
    assert job.reviews_skipped == 10 + 3
    counts = {
        front: ReviewLog.objects.filter(user=learner, flashcard__front=front).count()
        for front in ("word 0", "word 1", "word 2")
    }
    assert counts == {"word 0": 4, "word 1": 1, "word 2": 3}
    assert ReviewLog.objects.get(reviewed_at=at_ms(base + 8)).response_ms is None
    restarted = CardProgress.objects.get(flashcard__front="word 1")
    assert (restarted.reps, restarted.last_review) == (1, at_ms(base + 10))
    assert CardProgress.objects.get(flashcard__front=f"word {third}").reps == 3


def test_an_unreadable_revlog_skips_the_whole_history_but_not_the_cards(run_import, learner):
    package = anki_package(4, reviews_per_note=2)
    with collection_of(package) as (db, rebuilt):
        db.execute("ALTER TABLE revlog RENAME COLUMN ease TO button")
    job = run_import(rebuilt.getvalue())

    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 4
    assert (job.reviews_imported, job.reviews_skipped) == (0, 8)
    assert "review history in this package is damaged" in job.detail
    assert not ReviewLog.objects.exists()


def test_v1_scheduler_learning_buttons_are_read_as_anki_upgrades_them(run_import, learner):
    # Anki's v1 scheduler showed Again / Good / Easy while learning: ease 2 was Good.
    start = generated_review(0, 0)[0]
    revlog = [(start, 0, 2, 1000, 0, 0), (start + 600_000, 0, 3, 1000, 0, 0)]
    run_import(anki_package(1, revlog=revlog, scheduler_version=1))

    assert list(ReviewLog.objects.values_list("rating", flat=True)) == [Rating.GOOD, Rating.EASY]


def test_a_failed_import_leaves_no_history_behind(run_import, learner, monkeypatch):
    from decks.services import imports

    def publish_fails(*args, **kwargs):
        raise RuntimeError("the disk is gone")

    monkeypatch.setattr(imports, "_catalogs_publish", publish_fails)
    job = run_import((ANKI_FIXTURES / "anki21.apkg").read_bytes())

    assert job.status == ImportJob.Status.FAILED
    assert not Flashcard.objects.exists()
    assert not ReviewLog.objects.exists()
    assert not CardProgress.objects.exists()


def import_queries(*, cards: int, reviews_per_card: int) -> int:
    learner = UserFactory()
    parsed = ParsedFile(
        rows=[
            ParsedRow(
                n,
                f"palabra {n}",
                f"word {n}",
                language="es",
                reviews=tuple(
                    RevlogReview(*generated_review(n, r)[:2], 2_000)
                    for r in range(reviews_per_card)
                ),
            )
            for n in range(cards)
        ]
    )
    with CaptureQueriesContext(connection) as queries:
        result = flashcards_import(owner=learner, parsed=parsed, new_catalog_name="Big")
    assert result.reviews_imported == cards * reviews_per_card
    return len(queries)


def test_tens_of_thousands_of_reviews_import_in_bulk(db):
    """The queries are per batch of rows; none per review or per card."""
    small = import_queries(cards=500, reviews_per_card=2)
    large = import_queries(cards=500, reviews_per_card=60)  # 30,000 reviews

    assert large <= small + 30_000 // HISTORY_BATCH  # one insert per batch of reviews
    assert large < 30
    assert ReviewLog.objects.count() == 31_000


def test_a_generated_package_with_its_history_imports_with_bounded_queries(queue_import):
    def job_queries(reviews_per_note: int) -> int:
        job = queue_import(
            anki_package(1000, reviews_per_note=reviews_per_note), user=UserFactory()
        )
        with CaptureQueriesContext(connection) as queries:
            job = import_job_run(job_id=job.pk)
        assert (job.created_count, job.reviews_imported) == (1000, 1000 * reviews_per_note)
        return len(queries)

    small, large = job_queries(1), job_queries(20)  # 1,000 and 20,000 reviews

    assert large <= small + 20_000 // HISTORY_BATCH
    assert CardProgress.objects.filter(reps=20).count() == 1000


def test_history_of_a_card_with_reviews_already_is_replayed_whole(learner, card):
    start = datetime(2025, 1, 6, 9, tzinfo=UTC)
    later = [ImportedReview("later", start + timedelta(days=3), Rating.GOOD, None)]
    earlier = [
        ImportedReview("first", start, Rating.GOOD, None),
        ImportedReview("second", start + timedelta(minutes=10), Rating.GOOD, None),
    ]
    review_history_import(user=learner, histories={card.pk: later})
    result = review_history_import(user=learner, histories={card.pk: earlier + later})

    assert (result.imported, result.already_imported) == (2, 1)
    expected, _ = direct_replay(
        [(int(r.reviewed_at.timestamp() * 1000), r.rating, None) for r in earlier + later]
    )
    progress = CardProgress.objects.get(user=learner, flashcard=card)
    assert progress.reps == 3
    assert progress.stability == pytest.approx(expected.stability)
    assert progress.due == expected.due
    logs = ReviewLog.objects.filter(user=learner, flashcard=card)
    assert logs[2].state_before == logs[1].state_after  # the earlier logs rewritten


def test_reviews_another_import_recorded_meanwhile_are_skipped_and_the_rest_written(learner, card):
    """Two imports of the same history at once: each looked for the reviews already
    recorded before the other wrote. The writer (COPY on PostgreSQL) must then neither
    fail nor record one twice. Called below the service, which cannot be paused between
    its look-up and its write."""
    from quizzes.services.history import _insert, _NewReview, imported_review_id

    start = datetime(2025, 1, 6, 9, tzinfo=UTC)

    def new(source_id: str, days: int) -> _NewReview:
        review_id = imported_review_id(user_id=learner.pk, source_id=source_id)
        return _NewReview(card.pk, review_id, Rating.GOOD, 1200, start + timedelta(days=days))

    assert _insert(learner, [new("a", 0)]) == 1  # the other import
    # Only what this one wrote counts as imported by it.
    assert _insert(learner, [new("a", 0), new("b", 3)]) == 1

    logs = ReviewLog.objects.filter(user=learner, flashcard=card).order_by("reviewed_at")
    assert [(log.reviewed_at, log.response_ms) for log in logs] == [
        (start, 1200),
        (start + timedelta(days=3), 1200),
    ]
