import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

DESIRED_RETENTION_MIN = 0.70
DESIRED_RETENTION_MAX = 0.97
DAILY_LIMIT_MAX = 9999
STEPS_MAX = 10
STEP_MAX_MINUTES = 24 * 60


def default_learning_steps() -> list[int]:
    return [1, 10]


def default_relearning_steps() -> list[int]:
    return [10]


def validate_steps(value: object) -> None:
    """Steps are a short list of whole minutes, each at most a day."""
    if (
        not isinstance(value, list)
        or len(value) > STEPS_MAX
        or not all(
            isinstance(step, int) and not isinstance(step, bool) and 1 <= step <= STEP_MAX_MINUTES
            for step in value
        )
    ):
        raise ValidationError(
            "Use a list of at most %(count)s steps, each a whole number of minutes from 1 "
            "to %(max)s.",
            code="invalid_steps",
            params={"count": STEPS_MAX, "max": STEP_MAX_MINUTES},
        )


class QuizType(models.Model):
    """A way of asking about a card (flip, multiple choice, typed…)."""

    class Difficulty(models.IntegerChoices):
        EASY = 1, "Easy"
        MEDIUM = 2, "Medium"
        HARD = 3, "Hard"

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    difficulty = models.PositiveSmallIntegerField(choices=Difficulty)

    class Meta:
        ordering = ["difficulty", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(difficulty__gte=1, difficulty__lte=3),
                name="quizzes_quiztype_difficulty_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StudySettings(models.Model):
    """What the scheduler and the quiz builder read for one learner; one row per learner."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_settings"
    )
    desired_retention = models.FloatField(
        default=0.90,
        validators=[
            MinValueValidator(DESIRED_RETENTION_MIN),
            MaxValueValidator(DESIRED_RETENTION_MAX),
        ],
        help_text="The recall probability the scheduler aims for (0.70-0.97).",
    )
    daily_new_limit = models.PositiveIntegerField(
        default=20, validators=[MaxValueValidator(DAILY_LIMIT_MAX)]
    )
    daily_review_limit = models.PositiveIntegerField(
        default=200, validators=[MaxValueValidator(DAILY_LIMIT_MAX)]
    )
    preferred_quiz_types = models.ManyToManyField(QuizType, blank=True)
    day_rollover_hour = models.PositiveSmallIntegerField(
        default=4,
        validators=[MaxValueValidator(23)],
        help_text="The hour (in the learner's time zone) at which a new study day starts.",
    )
    learning_steps = models.JSONField(
        default=default_learning_steps,
        validators=[validate_steps],
        help_text="Minutes between the first reviews of a new card, e.g. [1, 10].",
    )
    relearning_steps = models.JSONField(
        default=default_relearning_steps,
        validators=[validate_steps],
        help_text="Minutes between the reviews of a forgotten card, e.g. [10].",
    )
    maximum_interval = models.PositiveIntegerField(
        default=36500,
        validators=[MinValueValidator(1), MaxValueValidator(36500)],
        help_text="The longest a card may wait for its next review, in days.",
    )
    leech_threshold = models.PositiveSmallIntegerField(
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="After this many lapses a card is flagged as a leech.",
    )
    suspend_leeches = models.BooleanField(
        default=False, help_text="Take a card out of study when it becomes a leech."
    )
    fsrs_parameters = models.JSONField(
        null=True, blank=True, help_text="Personalised FSRS weights; null until optimised."
    )
    reminders_enabled = models.BooleanField(
        "daily reminder email",
        default=False,
        help_text="Send me one email a day when I have cards due.",
    )
    reminder_hour = models.PositiveSmallIntegerField(
        default=8,
        validators=[MaxValueValidator(23)],
        help_text="The hour (in your time zone) after which the reminder is sent.",
    )
    # The reminder day (see quizzes.services.reminders) of the last reminder sent.
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "study settings"
        verbose_name_plural = "study settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    desired_retention__gte=DESIRED_RETENTION_MIN,
                    desired_retention__lte=DESIRED_RETENTION_MAX,
                ),
                name="quizzes_studysettings_retention_range",
            ),
            models.CheckConstraint(
                condition=models.Q(day_rollover_hour__lte=23),
                name="quizzes_studysettings_rollover_hour_range",
            ),
            models.CheckConstraint(
                condition=models.Q(reminder_hour__lte=23),
                name="quizzes_studysettings_reminder_hour_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    daily_new_limit__lte=DAILY_LIMIT_MAX, daily_review_limit__lte=DAILY_LIMIT_MAX
                ),
                name="quizzes_studysettings_daily_limits_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Study settings of {self.user}"


# What a learner sets on the settings page and through the API; the FSRS parameters are
# fitted from their reviews, never typed.
STUDY_SETTINGS_EDITABLE = [
    "desired_retention",
    "daily_new_limit",
    "daily_review_limit",
    "preferred_quiz_types",
    "day_rollover_hour",
    "learning_steps",
    "relearning_steps",
    "maximum_interval",
    "leech_threshold",
    "suspend_leeches",
    "reminders_enabled",
    "reminder_hour",
]


class Rating(models.IntegerChoices):
    """FSRS's four grades, with its numbers."""

    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class CardState(models.IntegerChoices):
    """FSRS's states, with its numbers; NEW is ours: a card never reviewed."""

    NEW = 0, "New"
    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class CardProgress(models.Model):
    """One learner's memory of one flashcard: the FSRS card state and the bookkeeping.

    A row appears with the first review (or when a card is suspended); a card without
    one is new to that learner.
    """

    # No index of its own: every index below starts with the user (a second one only slows
    # writes, and the planner took it for ranges the (user, due) index answers).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="card_progress",
        db_index=False,
    )
    flashcard = models.ForeignKey(
        "decks.Flashcard", on_delete=models.CASCADE, related_name="progress"
    )
    state = models.PositiveSmallIntegerField(choices=CardState, default=CardState.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True, help_text="Days until recall is 90 %.")
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    streak = models.PositiveIntegerField(default=0, help_text="Correct answers in a row.")
    best_streak = models.PositiveIntegerField(default=0)
    suspended = models.BooleanField(default=False)
    is_leech = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "card progress"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "flashcard"], name="quizzes_cardprogress_one_per_learner"
            ),
        ]
        indexes = [models.Index(fields=["user", "due"], name="quizzes_progress_user_due")]

    def __str__(self) -> str:
        return f"{self.user_id} × {self.flashcard_id}: {self.get_state_display()}"


class ReviewLog(models.Model):
    """One review, as it happened: the grade, how, when, and the card before and after.

    `client_review_id` makes every submission idempotent: the same id twice is one review.
    """

    class Source(models.TextChoices):
        QUIZ = "quiz", "Quiz"
        SYNC = "sync", "Offline sync"
        IMPORT = "import", "Imported history"

    # No index of its own: every index below starts with the user; with one, the planner
    # read all of a learner's reviews through it for a range of (user, reviewed_at).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_logs",
        db_index=False,
    )
    flashcard = models.ForeignKey(
        "decks.Flashcard", on_delete=models.CASCADE, related_name="review_logs"
    )
    client_review_id = models.UUIDField(default=uuid.uuid4)
    rating = models.PositiveSmallIntegerField(choices=Rating)
    quiz_type = models.ForeignKey(
        QuizType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    correct = models.BooleanField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    reviewed_at = models.DateTimeField()
    state_before = models.JSONField(default=dict)
    state_after = models.JSONField(default=dict)
    source = models.CharField(max_length=8, choices=Source, default=Source.QUIZ)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_review_id"], name="quizzes_reviewlog_client_id_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=4),
                name="quizzes_reviewlog_rating_range",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "reviewed_at"], name="quizzes_review_user_time"),
            # The reviews of learnt cards, with their rating: the retention figures and the
            # review limit count them from the index alone, without reading each review's
            # row (a page each, hundreds of thousands a year for a large collection).
            models.Index(
                fields=["user", "reviewed_at", "rating"],  # a key, not INCLUDE: SQLite has none
                condition=models.Q(state_before__state=CardState.REVIEW),
                name="quizzes_review_learnt_time",
            ),
            models.Index(
                fields=["user", "flashcard", "reviewed_at"], name="quizzes_review_user_card"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} rated {self.flashcard_id} {self.rating} at {self.reviewed_at}"


class Quiz(models.Model):
    """A study session: a fixed list of questions drawn for one learner."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quizzes"
    )
    catalog = models.ForeignKey(
        "decks.Catalog",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quizzes",
        help_text="Empty: everything due in the learner's collection.",
    )
    difficulty = models.PositiveSmallIntegerField(
        choices=QuizType.Difficulty, null=True, blank=True, help_text="Empty: fully adaptive."
    )
    size = models.PositiveSmallIntegerField()
    quiz_types = models.JSONField(
        default=list, help_text="The codes of the quiz types its questions may use."
    )
    answered_count = models.PositiveSmallIntegerField(default=0)
    correct_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "quizzes"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="quizzes_quiz_user_recent")]

    def __str__(self) -> str:
        return f"Quiz {self.pk} of {self.user_id}"

    @property
    def score(self) -> float | None:
        """The share of answered questions answered right, 0-1; None before any answer."""
        return self.correct_count / self.answered_count if self.answered_count else None


class QuizQuestion(models.Model):
    """One question of a quiz, with the answer it expects and, once answered, the answer."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    flashcard = models.ForeignKey("decks.Flashcard", on_delete=models.CASCADE, related_name="+")
    quiz_type = models.ForeignKey(QuizType, on_delete=models.PROTECT, related_name="+")
    prompt = models.TextField()
    shown_answer = models.TextField(
        blank=True, help_text="true/false: the answer shown beside the prompt."
    )
    choices = models.JSONField(null=True, blank=True)
    expected_answer = models.TextField()
    given_answer = models.TextField(blank=True)
    correct = models.BooleanField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(choices=Rating, null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    review_log = models.OneToOneField(
        ReviewLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="question"
    )
    # What the answer endpoint answered, kept so that asking again gets the same answer.
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "position"], name="quizzes_question_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Question {self.position} of quiz {self.quiz_id}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class ParameterFit(models.Model):
    """One fit of a learner's FSRS parameters to their reviews, and how it was judged.

    Log loss and RMSE(bins) are measured on held-out reviews (a time-series split), for
    the default parameters and for the fitted ones; the fitted ones became the learner's
    parameters only when `kept`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.PENDING, Status.RUNNING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parameter_fits"
    )
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    reviews = models.PositiveIntegerField(default=0, help_text="Reviews the fit read.")
    targets = models.PositiveIntegerField(
        default=0, help_text="Reviews on a later day than the card's previous one."
    )
    log_loss_default = models.FloatField(null=True, blank=True)
    log_loss_fitted = models.FloatField(null=True, blank=True)
    rmse_default = models.FloatField(null=True, blank=True)
    rmse_fitted = models.FloatField(null=True, blank=True)
    kept = models.BooleanField(default=False)
    parameters = models.JSONField(null=True, blank=True, help_text="The fitted weights.")
    detail = models.TextField(blank=True, help_text="Why it failed.")
    seconds = models.FloatField(null=True, blank=True, help_text="How long the fit took.")
    created_at = models.DateTimeField(auto_now_add=True)
    fitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["pending", "running"]),
                name="quizzes_parameterfit_one_active",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="quizzes_fit_user_recent"),
        ]

    def __str__(self) -> str:
        return f"Parameter fit {self.pk} of {self.user_id}: {self.status}"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE
