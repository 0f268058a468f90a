"""The quiz types of the spec, seeded by init_db."""

from django.db import transaction

from quizzes.models import QuizType

QUIZ_TYPES = [
    ("flip", "Flip card", "See the front, recall the back, flip and grade yourself.", 1),
    ("multiple_choice", "Multiple choice", "Pick the back among several choices.", 1),
    ("true_false", "True or false", "Say whether the pair shown belongs together.", 1),
    ("reverse_choice", "Reverse choice", "See the back, pick the front.", 2),
    ("typed", "Typed answer", "See the front, type the back.", 3),
    ("reverse_typed", "Reverse typed answer", "See the back, type the front.", 3),
]


@transaction.atomic
def quiz_types_seed() -> int:
    """Create or refresh the quiz types of the spec; returns how many there are."""
    for code, name, description, difficulty in QUIZ_TYPES:
        QuizType.objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "difficulty": difficulty},
        )
    return len(QUIZ_TYPES)
