from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

DESIRED_RETENTION_MIN = 0.70
DESIRED_RETENTION_MAX = 0.97
DAILY_LIMIT_MAX = 9999


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
    fsrs_parameters = models.JSONField(
        null=True, blank=True, help_text="Personalised FSRS weights; null until optimised."
    )
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
]
