import secrets
import unicodedata

from django.conf import settings
from django.db import models

from decks.markup import plain_text

FRONT_MAX_LENGTH = 500
BACK_MAX_LENGTH = 5000
HINT_MAX_LENGTH = 500
CATALOG_NAME_MAX_LENGTH = 200
CATALOG_DESCRIPTION_MAX_LENGTH = 5000


def normalize_front(text: str) -> str:
    """The form in which a word is unique inside a catalog.

    Unicode NFKC, case-folded, whitespace collapsed, markup and ruby readings left out:
    "Ｃafé ", "<b>café</b>" and "café" are one word.
    """
    return " ".join(unicodedata.normalize("NFKC", plain_text(text)).casefold().split())


def normalize_language_code(code: str) -> str:
    """The form in which codes are compared: "pt_BR " and "pt-br" are one language."""
    return code.strip().replace("_", "-").lower()


def new_share_token() -> str:
    return secrets.token_urlsafe(24)


class Language(models.Model):
    """A language cards can be written in, identified by its BCP 47 code."""

    code = models.CharField(max_length=15, unique=True, help_text="ISO 639-1 / BCP 47 code.")
    name = models.CharField(max_length=64)
    native_name = models.CharField(max_length=64, blank=True)
    bidi = models.BooleanField(default=False, help_text="Written right to left.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"


class Catalog(models.Model):
    """A deck: a named, owned collection of flashcards with a visibility."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private"
        UNLISTED = "unlisted", "Unlisted (anyone with the link)"
        PUBLIC = "public", "Public (in the library)"

    name = models.CharField(max_length=CATALOG_NAME_MAX_LENGTH)
    description = models.TextField(blank=True, max_length=CATALOG_DESCRIPTION_MAX_LENGTH)
    visibility = models.CharField(max_length=8, choices=Visibility, default=Visibility.PRIVATE)
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catalogs",
        help_text="When set, every card in the catalog is in this language.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="catalogs"
    )
    share_token = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="The secret of the /share/<token>/ link; regenerating it kills the old link.",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    flashcards: models.ManyToManyField["Flashcard", "CatalogFlashcard"] = models.ManyToManyField(
        "Flashcard", through="CatalogFlashcard", related_name="catalogs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["visibility", "language"]),
        ]

    def __str__(self) -> str:
        return self.name


class Flashcard(models.Model):
    """One word or fact: a front to be recalled as its back. Can sit in several catalogs."""

    front = models.CharField(max_length=FRONT_MAX_LENGTH)
    front_normalized = models.CharField(
        max_length=FRONT_MAX_LENGTH * 2, editable=False, db_index=True
    )
    back = models.TextField(max_length=BACK_MAX_LENGTH)
    hint = models.CharField(max_length=HINT_MAX_LENGTH, blank=True)
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="flashcards")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flashcards"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["front_normalized", "id"]
        indexes = [models.Index(fields=["owner", "language", "front_normalized"])]

    def __str__(self) -> str:
        return self.front


class CatalogFlashcard(models.Model):
    """A flashcard's place in a catalog; the word is unique per catalog here."""

    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="memberships")
    flashcard = models.ForeignKey(Flashcard, on_delete=models.CASCADE, related_name="memberships")
    # A copy of the card's normalised front: the constraint below cannot reach across tables.
    front_normalized = models.CharField(max_length=FRONT_MAX_LENGTH * 2)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        # A page of a catalog's cards walks this index in order and stops after the page.
        indexes = [models.Index(fields=["catalog", "added_at", "id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["catalog", "front_normalized"],
                name="decks_catalog_word_unique",
                violation_error_message="This word is already in the catalog.",
            ),
            models.UniqueConstraint(
                fields=["catalog", "flashcard"], name="decks_catalog_flashcard_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.flashcard} in {self.catalog}"


class CatalogCardCount(models.Model):
    """How many cards a catalog holds and how many people study it, so that no page counts
    a catalog's memberships or learners.

    Kept by database triggers on CatalogFlashcard (migration 0004) and CatalogLearner
    (0008): every way a membership or a learner comes or goes — the services, bulk imports,
    and cascades no service sees (a card's or a user's deletion, the admin) — changes the
    count in the same transaction. Django never writes it. A catalog without a row holds
    no card and has no learner.
    """

    catalog = models.OneToOneField(
        Catalog, on_delete=models.CASCADE, primary_key=True, related_name="card_count"
    )
    flashcards = models.PositiveIntegerField(default=0)
    # A default in the database too: the card triggers insert rows without naming it.
    learners = models.PositiveIntegerField(default=0, db_default=0)

    def __str__(self) -> str:
        return f"{self.catalog}: {self.flashcards} cards, {self.learners} learners"


class CatalogLearner(models.Model):
    """Someone studying a catalog: they started a quiz on it or copied it to study.

    The library shows how many people study each catalog; one row per person.
    """

    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="learners")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="catalogs_studied"
    )
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["catalog", "user"], name="decks_catalog_learner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} studies {self.catalog_id}"


class Share(models.Model):
    """Someone given access to another's catalog or card, as viewer or editor."""

    user: models.ForeignKey  # each kind names its own reverse relation
    role = models.CharField(max_length=6, choices=Role, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.shared} shared with {self.user} as {self.role}"

    @property
    def shared(self) -> "Catalog | Flashcard":
        """The catalog or card shared."""
        raise NotImplementedError


class CatalogShare(Share):
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="catalog_shares"
    )

    class Meta(Share.Meta):
        constraints = [
            models.UniqueConstraint(fields=["catalog", "user"], name="decks_catalog_share_unique")
        ]

    @property
    def shared(self) -> Catalog:
        return self.catalog


class FlashcardShare(Share):
    flashcard = models.ForeignKey(Flashcard, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flashcard_shares"
    )

    class Meta(Share.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["flashcard", "user"], name="decks_flashcard_share_unique"
            )
        ]

    @property
    def shared(self) -> Flashcard:
        return self.flashcard


class ImportJob(models.Model):
    """One uploaded file being turned into cards in the background, and what came of it."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Awaiting confirmation"
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        TSV = "tsv", "TSV"
        APKG = "apkg", "Anki package"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    # Deleted once the job finishes; web and worker processes must share MEDIA_ROOT.
    file = models.FileField(upload_to="imports/", blank=True)
    file_name = models.CharField(max_length=255, help_text="The name the file was uploaded as.")
    file_format = models.CharField(max_length=4, choices=Format)
    target_catalog = models.ForeignKey(
        Catalog,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Import everything into this catalog instead of new ones.",
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The language of rows that name none.",
    )
    status = models.CharField(max_length=7, choices=Status, default=Status.PENDING)
    decks = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Per deck, when languages are detected: [{key, name, cards, reviews, without_language,"
            " detected, language}]; language is the code the cards without one get."
        ),
    )
    progress = models.PositiveSmallIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_duplicates = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(default=list, blank=True, help_text="[{row, reason}, …]")
    rejected_count = models.PositiveIntegerField(default=0)
    reviews_imported = models.PositiveIntegerField(
        default=0, help_text="Reviews of the package's history recorded (Anki)."
    )
    reviews_skipped = models.PositiveIntegerField(
        default=0, help_text="Reviews of the history not recorded, with the reason in detail."
    )
    catalogs = models.ManyToManyField(Catalog, blank=True, related_name="import_jobs")
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="decks_importjob_progress_max_100"
            )
        ]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_waiting(self) -> bool:
        """Queued, not yet taken by a worker: pending, or a preview not yet being read."""
        return self.status == self.Status.PENDING or (
            self.status == self.Status.PREVIEW and not self.progress and not self.decks
        )

    @property
    def is_awaiting_confirmation(self) -> bool:
        """Its decks are read and detected: the owner confirms their languages next."""
        return self.status == self.Status.PREVIEW and bool(self.decks)

    def deck_languages(self) -> dict[str, str]:
        """{deck key: language code} for the decks given a language."""
        return {deck["key"]: deck["language"] for deck in self.decks if deck.get("language")}
