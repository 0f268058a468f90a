from django.conf import settings
from rest_framework import serializers

from cerego.api import IdField
from quizzes.models import QuizType, Rating


class QuizTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuizType
        fields = ["code", "name", "description", "difficulty"]


class QuizCreateSerializer(serializers.Serializer):
    catalog = IdField(required=False, allow_null=True, help_text="Empty: everything due.")
    share_token = serializers.CharField(
        required=False,
        max_length=64,
        help_text="The token of an unlisted catalog's share link, to study it without a copy.",
    )
    size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=settings.QUIZ_SIZE_MAX,
        help_text=f"Questions; default {settings.QUIZ_SIZE_DEFAULT}.",
    )
    difficulty = serializers.ChoiceField(
        choices=QuizType.Difficulty.choices,
        required=False,
        allow_null=True,
        help_text="1 easy … 3 hard; empty: fully adaptive.",
    )
    quiz_types = serializers.ListField(
        child=serializers.SlugField(max_length=32),
        required=False,
        max_length=10,
        help_text="Restrict the quiz to these quiz types (codes).",
    )


class DiffRunSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["same", "missing", "extra", "wrong"])
    given = serializers.CharField()
    expected = serializers.CharField()


class AnswerResultSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    correct = serializers.BooleanField()
    typo = serializers.BooleanField(help_text="Right, but with a typo: rated Hard.")
    expected = serializers.CharField()
    diff = DiffRunSerializer(many=True, help_text="What was typed against what was expected.")
    rating = serializers.ChoiceField(choices=Rating.choices)
    memory_strength = serializers.IntegerField(min_value=0, max_value=100)
    level = serializers.CharField()
    next_due = serializers.DateTimeField(allow_null=True)
    streak = serializers.IntegerField()
    client_review_id = serializers.UUIDField(allow_null=True)


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    flashcard = serializers.IntegerField()
    quiz_type = serializers.CharField()
    prompt = serializers.CharField()
    shown_answer = serializers.CharField(
        allow_null=True, help_text="true_false: the answer shown beside the prompt."
    )
    choices = serializers.ListField(child=serializers.CharField(), allow_null=True)
    hint = serializers.CharField(allow_null=True, help_text="Using it makes a right answer Hard.")
    answered = serializers.BooleanField()
    reveal = serializers.CharField(
        allow_null=True, help_text="flip only: the other side, shown when the learner flips."
    )
    preview = serializers.DictField(
        child=serializers.DateTimeField(),
        allow_null=True,
        help_text="flip only: when the card comes back under each rating (1-4).",
    )
    given_answer = serializers.CharField(allow_null=True)
    result = AnswerResultSerializer(allow_null=True)


class QuizSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    catalog = serializers.IntegerField(allow_null=True)
    difficulty = serializers.IntegerField(allow_null=True)
    size = serializers.IntegerField()
    answered = serializers.IntegerField()
    correct = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True, help_text="Right answers / answered, 0-1.")
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    questions = QuestionSerializer(many=True)


class QuizSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    catalog = serializers.IntegerField(source="catalog_id", allow_null=True)
    difficulty = serializers.IntegerField(allow_null=True)
    size = serializers.IntegerField()
    answered = serializers.IntegerField(source="answered_count")
    correct = serializers.IntegerField(source="correct_count")
    score = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


class AnswerSerializer(serializers.Serializer):
    question = IdField()
    answer = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, default="", trim_whitespace=False
    )
    rating = serializers.IntegerField(
        min_value=1, max_value=4, required=False, help_text="flip only: 1 Again … 4 Easy."
    )
    response_ms = serializers.IntegerField(min_value=0, max_value=3_600_000, required=False)
    hint_used = serializers.BooleanField(required=False, default=False)
    client_review_id = serializers.UUIDField(
        required=False, help_text="Makes the submission idempotent: send the same id again."
    )


class AlreadyAnsweredSerializer(serializers.Serializer):
    detail = serializers.CharField()
    result = AnswerResultSerializer()
