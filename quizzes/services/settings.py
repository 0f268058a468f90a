"""The learner's settings resource: the site's settings and the scheduler's, as one."""

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import USER_SETTINGS_EDITABLE, User
from accounts.services import user_settings_update
from quizzes.selectors.settings import learning_settings, study_settings_of
from quizzes.tasks import progress_reschedule_task

# Settings that change when cards fall due: changing one reschedules the learner's cards.
SCHEDULING_FIELDS = ("desired_retention", "learning_steps", "relearning_steps", "maximum_interval")


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
    scheduling_before = [getattr(study_settings, name) for name in SCHEDULING_FIELDS]
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
    if [getattr(study_settings, name) for name in SCHEDULING_FIELDS] != scheduling_before:
        transaction.on_commit(partial(progress_reschedule_task.enqueue, user.pk))
    return learning_settings(user)
