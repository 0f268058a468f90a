from typing import Any

from django import forms

from accounts.models import USER_SETTINGS_EDITABLE, UserSettings
from cerego.forms import FocusFirstErrorMixin
from quizzes.models import STUDY_SETTINGS_EDITABLE, StudySettings

# What the page edits today; the steps and leech rules are set through the API for now.
FIELD_ORDER = [
    "desired_retention",
    "daily_new_limit",
    "daily_review_limit",
    "preferred_quiz_types",
    "time_zone",
    "day_rollover_hour",
    "reminders_enabled",
    "reminder_hour",
    "theme",
]


class LearningSettingsForm(FocusFirstErrorMixin, forms.Form):
    """The settings page: the site's settings and the scheduler's, as one form.

    The fields come from the two models, so their limits and choices are said once.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                StudySettings,
                fields=[name for name in FIELD_ORDER if name in STUDY_SETTINGS_EDITABLE],
                widgets={"preferred_quiz_types": forms.CheckboxSelectMultiple},
            )
        )
        self.fields.update(
            forms.fields_for_model(
                UserSettings,
                fields=USER_SETTINGS_EDITABLE,
                help_texts={"time_zone": "An IANA name, such as Europe/Paris or America/New_York."},
            )
        )
        self.order_fields(FIELD_ORDER)


class AnswerForm(forms.Form):
    """One answer in a study session: a typed or chosen answer, or a flip's self-grade."""

    question = forms.IntegerField(min_value=1)
    answer = forms.CharField(required=False, strip=False, max_length=2000)
    rating = forms.TypedChoiceField(
        choices=[(str(value), value) for value in range(1, 5)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    response_ms = forms.IntegerField(required=False, min_value=0, max_value=86_400_000)
