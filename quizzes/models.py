from django.db import models


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
