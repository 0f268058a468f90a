"""Reads of the quizzes app that both doors (pages and API) use."""

from typing import Any

from accounts.models import USER_SETTINGS_EDITABLE, User
from quizzes.models import STUDY_SETTINGS_EDITABLE, StudySettings


def study_settings_of(user: User) -> StudySettings:
    """The learner's study settings, made with the defaults on first use.

    Accounts creates users without knowing the scheduler (it imports no other app), so
    the row appears the first time anything asks for it.
    """
    study_settings, _ = StudySettings.objects.get_or_create(user=user)
    return study_settings


def learning_settings(user: User) -> dict[str, Any]:
    """The one settings resource a learner sees: the site's and the scheduler's settings."""
    study_settings = study_settings_of(user)
    values: dict[str, Any] = {name: getattr(user.settings, name) for name in USER_SETTINGS_EDITABLE}
    for name in STUDY_SETTINGS_EDITABLE:
        values[name] = getattr(study_settings, name)
    values["preferred_quiz_types"] = list(study_settings.preferred_quiz_types.all())
    values["fsrs_parameters"] = study_settings.fsrs_parameters
    return values
