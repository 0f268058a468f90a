"""Importing cards from files: accept an upload as an ImportJob, then run it in the background.

A job reads its file (decks.importers) within the import limits, checks every row with the
card form's rule and writes the cards and catalogs all or none (see `flashcards_import`): a
failure, or a crash swept up by `import_jobs_fail_stale`, leaves nothing half-imported. Decks
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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import PurePath
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import User
from cerego.cache import best_effort_cache as cache
from decks.importers import (
    ImportFileError,
    ImportLimits,
    ParsedFile,
    ParsedRow,
    Rejection,
    RevlogReview,
    detect_format,
)
from decks.importers import parse_file as importers_parse_file
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
    reviews: list[RevlogReview]


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
        parsed = _job_file_parse(
            job, on_progress=lambda share: _job_update(job, progress=int(share * 100))
        )
    except Exception as error:  # every failure is the job's, told to its owner
        _job_fail(job, _failure_detail(job, error))
        job.file.delete(save=False)
        job.save(update_fields=["file"])
        return job
    decks = import_decks_read(
        parsed,
        catalog=job.target_catalog,
        new_catalog_name=PurePath(job.file_name).stem,
        languages=languages_by_code(),
    )
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
    parsed: ParsedFile,
    *,
    catalog: Catalog | None,
    new_catalog_name: str,
    languages: Collection[str],
) -> list[DeckPreview]:
    """The decks of a parsed file, in file order, as an ImportJob stores them: key (as
    `flashcards_import` groups the rows), name, cards, reviews (of an Anki history),
    without_language (rows naming none), and the language detected among `languages`
    from those rows' fronts (None when unsure), which is also the `language` proposed."""
    decks: dict[str, DeckPreview] = {}
    texts: dict[str, list[str]] = {}
    for row in parsed.rows:
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
        deck["reviews"] += len(parsed.reviews.get(row.row, []))
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
        parsed = _job_file_parse(
            job, on_progress=lambda share: _job_update(job, progress=int(share * READ_SHARE))
        )
        flashcards_import(
            owner=job.owner,
            parsed=parsed,
            catalog=job.target_catalog,
            language=job.language,
            deck_languages=_deck_languages(job, parsed),
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


def _job_file_parse(
    job: ImportJob, on_progress: Callable[[float], None] | None = None
) -> ParsedFile:
    with job.file.open("rb") as file:
        return importers_parse_file(
            file,
            file_format=job.file_format,
            on_progress=on_progress,
            limits=ImportLimits(
                cards=settings.IMPORT_MAX_CARDS,
                unpacked_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            ),
        )


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


def _deck_languages(job: ImportJob, parsed: ParsedFile) -> dict[str, Language]:
    """The language of each deck's rows that name none, when the job was given none:
    as confirmed on its preview, or else detected now. ImportFileError names the decks
    none of whose rows could then be imported; in a deck where some rows name their
    language, the rows naming none are rejected, each with the reason."""
    if job.language_id or (job.target_catalog and job.target_catalog.language_id):
        return {}
    languages = languages_by_code()
    if not job.decks:
        decks = import_decks_read(
            parsed,
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


def _job_finish(job: ImportJob, result: ImportResult, parsed: ParsedFile) -> None:
    rejected = sorted(result.rejected, key=lambda rejection: rejection.row)
    notes = list(parsed.notes)
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
    parsed: ParsedFile,
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

    The cards are written in transactions of about WRITE_BURST_SECONDS, so that on SQLite
    (one writer at a time) other users' logins and saves get the lock in between instead
    of timing out. All or none still holds: the cards go into catalogs made for the import
    (when importing into `catalog`, a staging catalog whose cards the last transaction
    moves into it), and a failure deletes those catalogs and their cards. With `job`,
    the catalogs are recorded on it when they are made, so `import_jobs_fail_stale` can
    delete them after a crash, and the job is finished in the last transaction.
    """
    result, cards = _rows_check(
        parsed,
        catalog=catalog,
        language=language,
        deck_languages=deck_languages or {},
        new_catalog_name=new_catalog_name,
    )
    if on_progress:
        on_progress(READ_SHARE)
    with transaction.atomic():
        staged = _catalogs_create(owner=owner, cards=cards, target=catalog)
        if job is not None:
            job.catalogs.set(staged.values())
    try:
        result.created = _cards_write(
            owner=owner, cards=cards, catalogs=staged, on_progress=on_progress, result=result
        )
        with transaction.atomic():
            result.catalogs = _catalogs_publish(staged, target=catalog)
            if job is not None:
                _job_finish(job, result, parsed)
    except Exception:
        _imported_delete([staging.pk for staging in staged.values()])
        raise
    return result


def _rows_check(
    parsed: ParsedFile,
    *,
    catalog: Catalog | None,
    language: Language | None,
    deck_languages: Mapping[str, Language],
    new_catalog_name: str,
) -> tuple[ImportResult, list[_Card]]:
    """The cards to write, and the result so far: rejected rows and duplicates."""
    result = ImportResult(reviews_skipped=parsed.reviews_skipped)
    languages = languages_by_code()
    seen: dict[str, set[str]] = {}
    if catalog is not None:
        seen[""] = set(catalog.memberships.values_list("front_normalized", flat=True))
    cards: list[_Card] = []
    for row in parsed.rows:
        key = _deck_key(row, catalog=catalog, new_catalog_name=new_catalog_name)
        reviews = parsed.reviews.get(row.row, [])
        try:
            fields = _row_clean(
                row,
                languages=languages,
                language=deck_languages.get(key, language),
                catalog=catalog,
            )
        except ValidationError as error:
            result.rejected.append(Rejection(row.row, " ".join(error.messages)))
            result.reviews_skipped += len(reviews)
            continue
        words = seen.setdefault(key, set())
        if fields.front_normalized in words:
            result.skipped_duplicates += 1
            result.reviews_skipped += len(reviews)
            continue
        words.add(fields.front_normalized)
        cards.append(_Card(key, fields, reviews))
    result.rejected = parsed.rejected + result.rejected
    return result, cards


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


def _catalogs_create(
    *, owner: User, cards: list[_Card], target: Catalog | None
) -> dict[str, Catalog]:
    """The catalogs the cards are written into, by key.

    One new catalog per deck that receives cards; it takes their language if they share
    one. Into `target`, one staging catalog, which `_catalogs_publish` empties into it.
    """
    if target is not None:
        if not cards:
            return {}
        staging_name = (
            f"{target.name[: CATALOG_NAME_MAX_LENGTH - len(STAGING_SUFFIX)]}{STAGING_SUFFIX}"
        )
        staging = Catalog.objects.create(name=staging_name, owner=owner, language=target.language)
        return {"": staging}
    # By id: hashing a Language instance costs a model method call, once per card.
    languages: dict[str, dict[int, Language]] = {}
    for card in cards:
        language = card.fields.language
        languages.setdefault(card.catalog_key, {})[language.pk] = language
    new = [
        Catalog(
            name=_catalog_name(key),
            owner=owner,
            language=next(iter(langs.values())) if len(langs) == 1 else None,
        )
        for key, langs in languages.items()
    ]
    Catalog.objects.bulk_create(new)
    return dict(zip(languages, new, strict=True))


def _catalogs_publish(staged: dict[str, Catalog], *, target: Catalog | None) -> list[Catalog]:
    """The catalogs that received the cards, once their staging catalog is emptied."""
    if target is None:
        return list(staged.values())
    if staged:
        # IntegrityError when someone put one of the words into the target meanwhile.
        CatalogFlashcard.objects.filter(catalog=staged[""]).update(catalog=target)
        staged[""].delete()
    return [target]


def _batches[T](items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _cards_write(
    *,
    owner: User,
    cards: list[_Card],
    catalogs: dict[str, Catalog],
    on_progress: Progress | None,
    result: ImportResult,
) -> int:
    batches = list(_batches(cards))
    written = position = 0
    while position < len(batches):
        with transaction.atomic():
            burst_started = time.monotonic()
            while (
                position < len(batches) and time.monotonic() - burst_started < WRITE_BURST_SECONDS
            ):
                batch = batches[position]
                position += 1
                ids = flashcards_bulk_create(
                    owner=owner,
                    cards=[(catalogs[card.catalog_key].pk, card.fields) for card in batch],
                )
                _history_hand_over(owner, zip(ids, batch, strict=True), result)
                written += len(batch)
                if on_progress:
                    on_progress(READ_SHARE + (100 - READ_SHARE - 1) * written // len(cards))
        if position < len(batches):  # after the last, only the short publishing one follows
            _let_other_writers_in()
    return written


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
