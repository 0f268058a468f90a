from rest_framework import serializers

from accounts.models import UserSettings
from quizzes.models import QuizType


class LearningSettingsSerializer(serializers.Serializer):
    """The settings resource: the site's settings and the scheduler's, as one.

    Types only; ranges and time zones are checked by the service, once for both doors.
    """

    desired_retention = serializers.FloatField(required=False)
    daily_new_limit = serializers.IntegerField(required=False)
    daily_review_limit = serializers.IntegerField(required=False)
    preferred_quiz_types = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=QuizType.objects.all(), required=False
    )
    time_zone = serializers.CharField(
        max_length=UserSettings._meta.get_field("time_zone").max_length, required=False
    )
    day_rollover_hour = serializers.IntegerField(required=False)
    theme = serializers.ChoiceField(choices=UserSettings.Theme.choices, required=False)
    learning_steps = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Minutes, e.g. [1, 10]."
    )
    relearning_steps = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Minutes, e.g. [10]."
    )
    maximum_interval = serializers.IntegerField(required=False, help_text="Days.")
    leech_threshold = serializers.IntegerField(required=False)
    suspend_leeches = serializers.BooleanField(required=False)
    reminders_enabled = serializers.BooleanField(
        required=False, help_text="A daily email when cards are due."
    )
    reminder_hour = serializers.IntegerField(
        required=False, help_text="The hour (0-23, your time zone) after which it is sent."
    )
    fsrs_parameters = serializers.JSONField(
        read_only=True, allow_null=True, help_text="Personalised FSRS weights; null until fitted."
    )
