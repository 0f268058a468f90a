"""Importing cards from files: accept an upload as an ImportJob, then run it in the background.

A job reads its file (decks.importers) within the import limits, checks every row with the
card form's rule and writes the cards and catalogs, a batch of rows at a time, all or none
(see `flashcards_import`): a failure, or a crash swept up by `import_jobs_fail_stale`,
leaves nothing half-imported. Decks
of an Anki package become catalogs named as Anki shows them (`Spanish::Verbs`); a CSV or TSV
file becomes one catalog named after the file; with a target catalog everything goes there.
An Anki package's review history goes with its cards, through `review_history_imported`
(see decks/signals.py): in the same transactions, so all or none holds for it too.

A file imported without a language (none given, no target catalog with one) gets one per
deck, for its rows that name none, detected from their fronts (decks.importers.language).
Through the site, the job first waits in `preview`: `import_job_preview` reads the decks
and detects their languages, the learner confirms or corrects them (`import_job_confirm`),
and only then is the import queued. Through the API, the run detects them itself, and fails
naming a deck whose language it cannot tell.
"""

import logging
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import PurePath
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import User
from cerego.cache import best_effort_cache as cache
from decks.importers import (
    ImportFileError,
    ImportLimits,
    ParsedRow,
    Rejection,
    RevlogReview,
    RowSource,
    detect_format,
    rows_open,
)
from decks.importers.language import SAMPLE_TEXTS, language_detect
from decks.importers.scratch import scratch_sweep
from decks.markup import card_text_clean, plain_text
from decks.models import (
    CATALOG_NAME_MAX_LENGTH,
    Catalog,
    CatalogFlashcard,
    Flashcard,
    ImportJob,
    Language,
    normalize_language_code,
)
from decks.selectors import catalog_is_editable_by, language_by_code, languages_by_code
from decks.services.card_fields import (
    CardFields,
    control_characters_remove,
    flashcard_fields_clean,
    unknown_language_message,
)
from decks.services.flashcards import flashcards_bulk_create
from decks.signals import HistoryCounts, ImportedReview, review_history_imported
from decks.tasks import import_job_preview_task, import_job_run_task

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# Write transactions last about this long; between two, on SQLite, others may write.
WRITE_BURST_SECONDS = 0.5
WRITE_PAUSE_SECONDS = 0.1
STAGING_SUFFIX = " (importing…)"
# Enough to show a user everything wrong with any sensible file, without storing a
# megabyte of JSON for a file whose every row is wrong.
REJECTED_KEPT = 10_000
# The share of the progress bar spent reading and checking; writing fills the rest.
READ_SHARE = 50
# The decks of a preview report their reading every so many rows.
PROGRESS_EVERY_ROWS = 5000
# A preview nobody confirmed within this time is deleted with its file.
PREVIEW_KEPT = timedelta(days=1)

Progress = Callable[[int], None]


@dataclass(slots=True)
class ImportResult:
    created: int = 0
    skipped_duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    catalogs: list[Catalog] = field(default_factory=list)
    reviews_imported: int = 0
    reviews_skipped: int = 0


class DeckPreview(TypedDict):
    """One deck of a file as an ImportJob's `decks` holds it (see `import_decks_read`)."""

    key: str
    name: str
    cards: int
    reviews: int
    without_language: int
    detected: str | None
    language: str | None


@dataclass(slots=True)
class _Card:
    catalog_key: str
    fields: CardFields
    reviews: Sequence[RevlogReview]


# --- Submission ---------------------------------------------------------------------


def import_file_check(*, file: UploadedFile) -> str:
    """The file's format, or ValidationError when it is too large or of an unknown kind."""
    if file.size is not None and file.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError({"file": import_too_large_message()}, code="too_large")
    if not file.size:
        raise ValidationError({"file": "The file is empty."}, code="empty")
    head = file.read(4096)
    file.seek(0)
    try:
        return detect_format(name=file.name or "", head=head)
    except ImportFileError as error:
        raise ValidationError({"file": str(error)}, code="format") from error


def import_too_large_message() -> str:
    limit_mb = settings.IMPORT_MAX_BYTES / (1024 * 1024)
    return f"The file is larger than the import limit of {limit_mb:g} MB."


@transaction.atomic
def import_job_create(
    *,
    owner: User,
    file: UploadedFile,
    catalog: Catalog | None = None,
    language_code: str = "",
    preview: bool = False,
) -> ImportJob:
    """Check an upload, store it and queue its import; the cards are written by the task.

    With `preview`, a file imported without a language (not given, not the catalog's) is
    only read: the job waits in `preview` for the owner to confirm its decks' languages
    (`import_job_confirm`). Without, the run detects those languages itself.

    Raises PermissionDenied when `catalog` is not editable by `owner` (callers make a catalog
    the user cannot even see a 404 first) and ValidationError for a bad file or language.
    """
    file_format = import_file_check(file=file)
    if catalog is not None and not catalog_is_editable_by(catalog=catalog, user=owner):
        raise PermissionDenied("You may not add cards to this catalog.")
    language = _language_check(language_code, catalog=catalog)
    previewed = preview and language is None and not (catalog and catalog.language_id)
    job = ImportJob(
        owner=owner,
        file_name=PurePath(file.name or "import").name[:255],
        file_format=file_format,
        target_catalog=catalog,
        language=language,
        status=ImportJob.Status.PREVIEW if previewed else ImportJob.Status.PENDING,
    )
    job.file.save(job.file_name, file, save=False)
    job.save()

    task = import_job_preview_task if previewed else import_job_run_task
    transaction.on_commit(partial(task.enqueue, job.pk))
    return job


def _language_check(code: str, *, catalog: Catalog | None) -> Language | None:
    language = language_by_code(code) if code else None
    if code and language is None:
        raise ValidationError({"language": unknown_language_message(code)}, code="unknown")
    if catalog and catalog.language_id and language and catalog.language_id != language.pk:
        raise ValidationError(
            {"language": "The catalog's cards are in another language; leave this empty."},
            code="mismatch",
        )
    return language


# --- The preview: decks and their detected languages ----------------------------------


def import_job_preview(*, job_id: int) -> ImportJob:
    """Read a `preview` job's file into its decks (`import_decks_read`). When a deck has
    rows that name no language, the job waits for the owner's confirmation; otherwise
    the file says every language, and the import is queued at once."""
    job = ImportJob.objects.select_related("target_catalog").get(pk=job_id)
    if job.status != ImportJob.Status.PREVIEW or job.decks:
        return job
    try:
        # Half the bar for opening the file (a CSV is read through then), half for the decks.
        with _job_file_open(
            job, on_progress=lambda share: _job_update(job, progress=int(share * 50))
        ) as rows:
            decks = import_decks_read(
                rows,
                catalog=job.target_catalog,
                new_catalog_name=PurePath(job.file_name).stem,
                languages=languages_by_code(),
                on_progress=lambda share: _job_update(job, progress=50 + int(share * 50)),
            )
    except Exception as error:  # every failure is the job's, told to its owner
        _job_fail(job, _failure_detail(job, error))
        job.file.delete(save=False)
        job.save(update_fields=["file"])
        return job
    confirm = any(deck["without_language"] for deck in decks)
    status = ImportJob.Status.PREVIEW if confirm else ImportJob.Status.PENDING
    # Conditional: a task delivered twice must not overwrite what the owner confirmed.
    if (
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW, decks=[]).update(
            decks=decks, status=status, progress=0
        )
        and not confirm
    ):
        transaction.on_commit(partial(import_job_run_task.enqueue, job.pk))
    job.refresh_from_db()
    return job


def import_decks_read(
    rows: RowSource,
    *,
    catalog: Catalog | None,
    new_catalog_name: str,
    languages: Collection[str],
    on_progress: Callable[[float], None] | None = None,
) -> list[DeckPreview]:
    """The decks of a file's rows, in file order, as an ImportJob stores them: key (as
    `flashcards_import` groups the rows), name, cards, reviews (of an Anki history),
    without_language (rows naming none), and the language detected among `languages`
    from those rows' fronts (None when unsure), which is also the `language` proposed."""
    decks: dict[str, DeckPreview] = {}
    texts: dict[str, list[str]] = {}
    for done, row in enumerate(rows.read(), start=1):
        if on_progress and done % PROGRESS_EVERY_ROWS == 0:
            on_progress(done / rows.count)
        if isinstance(row, Rejection):
            continue
        key = _deck_key(row, catalog=catalog, new_catalog_name=new_catalog_name)
        deck = decks.setdefault(
            key,
            DeckPreview(
                key=key,
                name=catalog.name if catalog else _catalog_name(key),
                cards=0,
                reviews=0,
                without_language=0,
                detected=None,
                language=None,
            ),
        )
        deck["cards"] += 1
        deck["reviews"] += len(row.reviews)
        if not normalize_language_code(row.language):
            deck["without_language"] += 1
            sample = texts.setdefault(key, [])
            if len(sample) < SAMPLE_TEXTS:
                sample.append(plain_text(card_text_clean(row.front)))
    for key, deck in decks.items():
        detected = language_detect(texts[key], languages=languages) if key in texts else None
        deck["detected"] = deck["language"] = detected
    return list(decks.values())


@transaction.atomic
def import_job_confirm(*, job: ImportJob, languages: Mapping[str, str]) -> ImportJob:
    """Give the decks of a job awaiting confirmation their languages and queue its import.

    `languages` is {deck key: language code}; a deck left out keeps the detected one. A
    deck with rows that name no language must get one. ValidationError says what is wrong.
    """
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not job.is_awaiting_confirmation:
        raise ValidationError("This import is not waiting for confirmation.", code="state")
    keys = {deck["key"] for deck in job.decks}
    if unknown := [key for key in languages if key not in keys]:
        raise ValidationError(f"The file has no deck “{unknown[0]}”.", code="deck")
    known = languages_by_code()
    errors: list[ValidationError] = []
    for deck in job.decks:
        code = normalize_language_code(languages.get(deck["key"], deck["language"] or ""))
        if code and code not in known:
            errors.append(ValidationError(unknown_language_message(code), code="unknown"))
        elif not code and deck["without_language"]:
            message = f"Choose the language of the cards of “{deck['name']}”."
            errors.append(ValidationError(message, code="required"))
        deck["language"] = known[code].code if code in known else None
    if errors:
        raise ValidationError(errors)
    _job_update(job, decks=job.decks, status=ImportJob.Status.PENDING, progress=0)
    transaction.on_commit(partial(import_job_run_task.enqueue, job.pk))
    return job


def import_job_cancel(*, job: ImportJob) -> None:
    """Delete a job that was never queued, with its file."""
    if job.status != ImportJob.Status.PREVIEW:
        raise ValidationError("Only an import waiting for confirmation can be cancelled.")
    job.file.delete(save=False)
    job.delete()


# --- The background run -------------------------------------------------------------


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a pending job to `done` or `failed`; the stored file is deleted either way."""
    # Claimed with a conditional UPDATE: a task delivered twice must not import twice.
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING, progress=0, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("owner", "target_catalog__language", "language").get(
        pk=job_id
    )
    if not claimed:
        return job
    scratch_sweep()  # what imports killed on this machine left in the temporary folder
    try:
        _target_still_editable(job)
        with _job_file_open(
            job, on_progress=lambda share: _job_update(job, progress=int(share * READ_SHARE))
        ) as rows:
            flashcards_import(
                owner=job.owner,
                parsed=rows,
                catalog=job.target_catalog,
                language=job.language,
                deck_languages=_deck_languages(job, rows),
                new_catalog_name=PurePath(job.file_name).stem,
                on_progress=partial(import_job_progress_publish, job.pk),
                job=job,
            )
    except Exception as error:  # every failure is the job's, told to its owner
        _job_fail(job, _failure_detail(job, error))
    finally:
        job.file.delete(save=False)
        cache.delete(_live_progress_key(job.pk))
        job.save(update_fields=["file"])
    return job


@contextmanager
def _job_file_open(
    job: ImportJob, on_progress: Callable[[float], None] | None = None
) -> Iterator[RowSource]:
    """The rows of the job's file, read from it while the context lasts."""
    with (
        job.file.open("rb") as file,
        rows_open(
            file,
            file_format=job.file_format,
            on_progress=on_progress,
            limits=ImportLimits(
                cards=settings.IMPORT_MAX_CARDS,
                unpacked_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            ),
        ) as rows,
    ):
        yield rows


def _failure_detail(job: ImportJob, error: Exception) -> str:
    """What to tell the owner of a job that failed with `error` (and what to log)."""
    if isinstance(error, FileNotFoundError):
        logger.error(
            "import job %s: its file is missing; do web and worker share MEDIA_ROOT?", job.pk
        )
        return "The uploaded file could not be found by the importer; upload it again."
    if isinstance(error, ImportFileError):
        return str(error)
    if isinstance(error, IntegrityError):
        logger.warning("import job %s collided with a concurrent change", job.pk)
        return "Cards were added to the catalog while importing: run the import again."
    logger.error("import job %s failed", job.pk, exc_info=error)
    return "The import failed unexpectedly."


def _deck_languages(job: ImportJob, rows: RowSource) -> dict[str, Language]:
    """The language of each deck's rows that name none, when the job was given none:
    as confirmed on its preview, or else detected now. ImportFileError names the decks
    none of whose rows could then be imported; in a deck where some rows name their
    language, the rows naming none are rejected, each with the reason."""
    if job.language_id or (job.target_catalog and job.target_catalog.language_id):
        return {}
    languages = languages_by_code()
    if not job.decks:
        decks = import_decks_read(
            rows,
            catalog=job.target_catalog,
            new_catalog_name=PurePath(job.file_name).stem,
            languages=languages,
        )
        _job_update(job, decks=decks)
    unknown = [
        deck["name"]
        for deck in job.decks
        if deck["without_language"] == deck["cards"] and not deck["language"]
    ]
    if unknown:
        names = ", ".join(f"“{name}”" for name in unknown)
        raise ImportFileError(
            f"The language of the cards of {names} could not be detected: "
            "import the file again with a language."
        )
    chosen = {key: normalize_language_code(code) for key, code in job.deck_languages().items()}
    return {key: languages[code] for key, code in chosen.items() if code in languages}


def import_jobs_fail_stale(*, older_than: timedelta) -> int:
    """Fail the jobs still `running` long after they started: their worker died (a crash,
    a deploy), so nothing will finish them, and their page would wait forever. What a dead
    worker wrote is deleted (the catalogs the job made and their cards; a target catalog
    only ever received cards in the job's last transaction), and so are the temporary
    folders of dead imports on this machine. Previews nobody confirmed within PREVIEW_KEPT
    are deleted with their files (not counted)."""
    scratch_sweep()
    for preview in ImportJob.objects.filter(
        status=ImportJob.Status.PREVIEW, created_at__lt=timezone.now() - PREVIEW_KEPT
    ):
        import_job_cancel(job=preview)
    stale = ImportJob.objects.filter(
        status=ImportJob.Status.RUNNING, started_at__lt=timezone.now() - older_than
    )
    for job in stale:
        job.file.delete(save=False)
        made = (
            job.catalogs.exclude(pk=job.target_catalog_id)
            if job.target_catalog_id
            else job.catalogs.all()
        )
        _imported_delete(list(made.values_list("pk", flat=True)))
        _job_fail(job, "The import was interrupted before it finished; upload the file again.")
        job.save(update_fields=["file"])
    return len(stale)


def _target_still_editable(job: ImportJob) -> None:
    """Sharing may have changed while the job waited in the queue."""
    target = job.target_catalog
    if target and not catalog_is_editable_by(catalog=target, user=job.owner):
        raise ImportFileError(f"You may no longer add cards to catalog “{target.name}”.")


def _job_update(job: ImportJob, **changes: object) -> None:
    for name, value in changes.items():
        setattr(job, name, value)
    job.save(update_fields=list(changes))


def _job_fail(job: ImportJob, detail: str) -> None:
    _job_update(
        job,
        status=ImportJob.Status.FAILED,
        detail=f"{detail} Nothing was imported.",
        finished_at=timezone.now(),
    )


def _job_finish(job: ImportJob, result: ImportResult, rows: RowSource) -> None:
    rejected = sorted(result.rejected, key=lambda rejection: rejection.row)
    notes = list(rows.notes)
    if len(rejected) > REJECTED_KEPT:
        notes.append(f"Only the first {REJECTED_KEPT} of {len(rejected)} rejected rows are listed.")
    if not result.created and not result.skipped_duplicates and not rejected:
        notes.append("The file holds no cards.")
    if result.reviews_skipped:
        notes.append(_reviews_skipped_note(result.reviews_skipped))
    job.catalogs.set(result.catalogs)
    _job_update(
        job,
        status=ImportJob.Status.DONE,
        progress=100,
        created_count=result.created,
        skipped_duplicates=result.skipped_duplicates,
        rejected=[{"row": r.row, "reason": r.reason} for r in rejected[:REJECTED_KEPT]],
        rejected_count=len(rejected),
        reviews_imported=result.reviews_imported,
        reviews_skipped=result.reviews_skipped,
        detail=" ".join(notes),
        finished_at=timezone.now(),
    )


def _reviews_skipped_note(count: int) -> str:
    return ngettext(
        "%(count)d review of the history was skipped: ",
        "%(count)d reviews of the history were skipped: ",
        count,
    ) % {"count": count} + (
        "manual reschedules and other entries without a grade, damaged entries, reviews of "
        "cards that were not imported (cloze notes, duplicates, a reversed note's second "
        "card) and reviews already imported before."
    )


# The writing half of the progress goes through the cache (shared through Redis in
# production): saving it on the job would take the write lock the import is sharing.
def _live_progress_key(job_id: int) -> str:
    return f"decks:import-job:{job_id}:progress"


def import_job_progress_publish(job_id: int, percent: int) -> None:
    """Share a running job's progress with the pages polling it, outside its transaction."""
    cache.set(_live_progress_key(job_id), percent, timeout=60 * 60)


def import_job_progress(job: ImportJob) -> int:
    """The job's progress in percent, including what its running transaction has done."""
    if job.status != ImportJob.Status.RUNNING:
        return job.progress
    return max(job.progress, cache.get(_live_progress_key(job.pk), 0))


# --- Writing the cards --------------------------------------------------------------


def flashcards_import(
    *,
    owner: User,
    parsed: RowSource,
    catalog: Catalog | None = None,
    language: Language | None = None,
    deck_languages: Mapping[str, Language] | None = None,
    new_catalog_name: str = "",
    on_progress: Progress | None = None,
    job: ImportJob | None = None,
) -> ImportResult:
    """Create the parsed rows as `owner`'s cards, in `catalog` or in new catalogs: all or none.

    A row failing the card rule is rejected with its reason; a word already in its catalog,
    or met earlier in the file for the same catalog, is skipped as a duplicate. A row naming
    no language gets its deck's from `deck_languages` (by key, see `import_decks_read`), or
    else `language`. Queries are per batch of BATCH_SIZE cards, not per row.

    One pass over the rows reads, checks and writes them a batch at a time, so the worker
    holds one batch, not the file: a word met earlier in the file is looked up among the
    cards already written (their catalog's unique index on the word), a word of `catalog`
    among the cards it had when the import started (one added since fails the publishing,
    as a concurrent change), and a new catalog gets its cards' language, when they share
    one, known once they are all written.

    The cards are written in transactions of about WRITE_BURST_SECONDS, so that on SQLite
    (one writer at a time) other users' logins and saves get the lock in between instead
    of timing out. All or none still holds: the cards go into catalogs made for the import
    (when importing into `catalog`, a staging catalog whose cards the last transaction
    moves into it), and a failure deletes those catalogs and their cards. With `job`,
    the catalogs are recorded on it in the transaction that makes them, so
    `import_jobs_fail_stale` can delete them after a crash, and the job is finished in the
    last transaction.
    """
    result = ImportResult()
    writing = _Writing(owner=owner, target=catalog, job=job, result=result)
    if catalog is not None:
        writing.known_before = catalog.memberships.aggregate(last=Max("pk"))["last"] or 0
    batches = _checked_batches(
        parsed,
        catalog=catalog,
        language=language,
        deck_languages=deck_languages or {},
        new_catalog_name=new_catalog_name,
        result=result,
    )
    if on_progress:
        on_progress(READ_SHARE)
    try:
        _cards_write(writing, batches, total=parsed.count, on_progress=on_progress)
        result.reviews_skipped += parsed.reviews_skipped  # known once the rows are read
        with transaction.atomic():
            result.catalogs = _catalogs_publish(writing)
            if job is not None:
                _job_finish(job, result, parsed)
    except Exception:
        _imported_delete([staging.pk for staging in writing.staged.values()])
        raise
    return result


@dataclass(slots=True)
class _Writing:
    """An import's writing so far: the catalogs it made, by key, and their cards' languages."""

    owner: User
    target: Catalog | None
    job: ImportJob | None
    result: ImportResult
    known_before: int = 0  # the target's memberships up to this id were there at the start
    staged: dict[str, Catalog] = field(default_factory=dict)
    # By id: hashing a Language instance costs a model method call, once per card.
    languages: dict[str, dict[int, Language]] = field(default_factory=dict)


def _checked_batches(
    parsed: RowSource,
    *,
    catalog: Catalog | None,
    language: Language | None,
    deck_languages: Mapping[str, Language],
    new_catalog_name: str,
    result: ImportResult,
) -> Iterator[tuple[list[_Card], int]]:
    """The rows that pass the card rule, as cards in batches of BATCH_SIZE, each with how
    many rows had been read by then; the others are rejected into `result`."""
    languages = languages_by_code()
    batch: list[_Card] = []
    read = 0
    for read, row in enumerate(parsed.read(), start=1):
        if isinstance(row, Rejection):
            result.rejected.append(row)
            continue
        key = _deck_key(row, catalog=catalog, new_catalog_name=new_catalog_name)
        try:
            fields = _row_clean(
                row,
                languages=languages,
                language=deck_languages.get(key, language),
                catalog=catalog,
            )
        except ValidationError as error:
            result.rejected.append(Rejection(row.row, " ".join(error.messages)))
            result.reviews_skipped += len(row.reviews)
            continue
        batch.append(_Card(key, fields, row.reviews))
        if len(batch) == BATCH_SIZE:
            yield batch, read
            batch = []
    if batch:
        yield batch, read


def _deck_key(row: ParsedRow, *, catalog: Catalog | None, new_catalog_name: str) -> str:
    """The catalog a row goes into: "" for the target catalog, else its deck's or the file's."""
    return "" if catalog is not None else (row.deck or new_catalog_name)


def _row_clean(
    row: ParsedRow,
    *,
    languages: dict[str, Language],
    language: Language | None,
    catalog: Catalog | None,
) -> CardFields:
    code = normalize_language_code(row.language)
    if code and code not in languages:
        raise ValidationError(unknown_language_message(row.language))
    return flashcard_fields_clean(
        front=row.front,
        back=row.back,
        hint=row.hint,
        language=languages[code] if code else language,
        catalog=catalog,
    )


def _catalog_name(name: str) -> str:
    """A deck or file name as a catalog name: one line, visible characters, not too long."""
    return " ".join(control_characters_remove(name).split())[:CATALOG_NAME_MAX_LENGTH] or (
        "Imported cards"
    )


def _cards_write(
    writing: _Writing,
    batches: Iterator[tuple[list[_Card], int]],
    *,
    total: int,
    on_progress: Progress | None,
) -> None:
    pending = next(batches, None)
    while pending is not None:
        with transaction.atomic():
            burst_started = time.monotonic()
            while pending is not None and time.monotonic() - burst_started < WRITE_BURST_SECONDS:
                cards, read = pending
                writing.result.created += _batch_write(writing, cards)
                if on_progress:
                    on_progress(READ_SHARE + (100 - READ_SHARE - 1) * read // total)
                pending = next(batches, None)
        if pending is not None:  # after the last, only the short publishing one follows
            _let_other_writers_in()


def _batch_write(writing: _Writing, batch: list[_Card]) -> int:
    """Write the cards of a batch whose words are new to their catalogs; how many."""
    cards = _new_words(writing, batch)
    first_languages: dict[str, Language] = {}
    for card in cards:
        first_languages.setdefault(card.catalog_key, card.fields.language)
    _catalogs_make(writing, first_languages)
    ids = flashcards_bulk_create(
        owner=writing.owner,
        cards=[(writing.staged[card.catalog_key].pk, card.fields) for card in cards],
    )
    _history_hand_over(writing.owner, zip(ids, cards, strict=True), writing.result)
    for card in cards:
        language = card.fields.language
        writing.languages.setdefault(card.catalog_key, {})[language.pk] = language
    return len(cards)


def _new_words(writing: _Writing, batch: list[_Card]) -> list[_Card]:
    """The cards of a batch whose word is not yet in their catalog nor earlier in the
    batch; the others are counted as duplicates. One query, none before the import's
    first catalog is made."""
    key_of = {writing.staged[key].pk: key for key in writing.staged}
    where = Q(catalog__in=list(key_of))
    if writing.target is not None:
        key_of[writing.target.pk] = ""
        where |= Q(catalog=writing.target, pk__lte=writing.known_before)
    taken: set[tuple[str, str]] = set()
    if key_of:
        fronts = {card.fields.front_normalized for card in batch}
        taken = {
            (key_of[catalog_id], word)
            for catalog_id, word in CatalogFlashcard.objects.filter(
                where, front_normalized__in=fronts
            ).values_list("catalog_id", "front_normalized")
        }
    new: list[_Card] = []
    for card in batch:
        word = (card.catalog_key, card.fields.front_normalized)
        if word in taken:
            writing.result.skipped_duplicates += 1
            writing.result.reviews_skipped += len(card.reviews)
            continue
        taken.add(word)
        new.append(card)
    return new


def _catalogs_make(writing: _Writing, languages: Mapping[str, Language]) -> None:
    """The catalogs of the keys that have none yet: one new catalog per deck that receives
    cards, in the language of its first card (until `_catalogs_publish` finds its cards'
    languages differ), or, into the target, one staging catalog that `_catalogs_publish`
    empties."""
    keys = [key for key in languages if key not in writing.staged]
    if not keys:
        return
    target, owner = writing.target, writing.owner
    if target is not None:
        staging_name = (
            f"{target.name[: CATALOG_NAME_MAX_LENGTH - len(STAGING_SUFFIX)]}{STAGING_SUFFIX}"
        )
        made = [Catalog.objects.create(name=staging_name, owner=owner, language=target.language)]
    else:
        made = Catalog.objects.bulk_create(
            Catalog(name=_catalog_name(key), owner=owner, language=languages[key]) for key in keys
        )
    writing.staged.update(zip(keys, made, strict=True))
    if writing.job is not None:
        writing.job.catalogs.add(*made)


def _catalogs_publish(writing: _Writing) -> list[Catalog]:
    """The catalogs that received the cards, a new one without a language when its cards'
    differ, the target's staging catalog emptied into it."""
    staged, target = writing.staged, writing.target
    if target is None:
        mixed = [
            staged[key].pk for key, languages in writing.languages.items() if len(languages) > 1
        ]
        if mixed:
            Catalog.objects.filter(pk__in=mixed).update(language=None)
            for catalog in staged.values():
                if catalog.pk in mixed:
                    catalog.language = None
        return list(staged.values())
    if staged:
        # IntegrityError when someone put one of the words into the target meanwhile.
        CatalogFlashcard.objects.filter(catalog=staged[""]).update(catalog=target)
        staged[""].delete()
    return [target]


def _batches[T](items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _history_hand_over(
    owner: User, written: Iterable[tuple[int, _Card]], result: ImportResult
) -> None:
    """Send the review history of a batch of cards just written to whoever records it
    (quizzes), in the batch's transaction, and count what came of it. Reviews nobody
    records (no receiver) are counted as skipped."""
    histories = {
        flashcard_id: [_imported_review(review) for review in card.reviews]
        for flashcard_id, card in written
        if card.reviews
    }
    if not histories:
        return
    sent = sum(len(reviews) for reviews in histories.values())
    imported = 0
    for _, response in review_history_imported.send(
        sender=ImportJob, owner=owner, histories=histories
    ):
        counts: object = response  # django-stubs types every response as str | None
        if isinstance(counts, HistoryCounts):
            imported += counts.imported
    result.reviews_imported += imported
    result.reviews_skipped += sent - imported


def _imported_review(review: RevlogReview) -> ImportedReview:
    return ImportedReview(
        source_id=f"anki-revlog:{review.revlog_id}",
        reviewed_at=datetime.fromtimestamp(review.revlog_id // 1000, tz=UTC)
        + timedelta(milliseconds=review.revlog_id % 1000),
        rating=review.rating,
        duration_ms=review.duration_ms,
    )


def _let_other_writers_in() -> None:
    """Pause between two write transactions on SQLite, for longer than its busy handler
    sleeps between two tries (100 ms): otherwise the import, ready again at once, would
    win the lock back every time from a login waiting for it."""
    connection = transaction.get_connection()
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        time.sleep(WRITE_PAUSE_SECONDS)


def _imported_delete(catalog_ids: list[int]) -> None:
    """Delete catalogs an unfinished import made, with the cards written into them, in
    short transactions like the writing."""
    card_ids = list(
        Flashcard.objects.filter(memberships__catalog__in=catalog_ids)
        .values_list("pk", flat=True)
        .distinct()
    )
    for batch in _batches(card_ids):
        with transaction.atomic():
            Flashcard.objects.filter(pk__in=batch).delete()
        _let_other_writers_in()
    Catalog.objects.filter(pk__in=catalog_ids).delete()
