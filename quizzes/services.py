from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import USER_SETTINGS_EDITABLE, User
from accounts.services import user_settings_update
from quizzes.models import QuizType
from quizzes.selectors import learning_settings, study_settings_of

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


@transaction.atomic
def learning_settings_update(*, user: User, **fields: Any) -> dict[str, Any]:
    """Change the learner's settings, the site's and the scheduler's, all or nothing.

    `preferred_quiz_types` replaces the whole set. Returns the whole resource as
    `learning_settings` reads it.
    """
    site_fields = {name: fields.pop(name) for name in USER_SETTINGS_EDITABLE if name in fields}
    errors: dict[str, list[str]] = {}
    try:
        user_settings_update(user_settings=user.settings, **site_fields)
    except ValidationError as error:
        errors.update(error.message_dict)
    quiz_types = fields.pop("preferred_quiz_types", None)
    study_settings = study_settings_of(user)
    for name, value in fields.items():
        setattr(study_settings, name, value)
    try:
        study_settings.full_clean(exclude=["user"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    study_settings.save()
    if quiz_types is not None:
        study_settings.preferred_quiz_types.set(quiz_types)
    return learning_settings(user)
