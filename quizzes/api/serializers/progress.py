from rest_framework import serializers


class ProgressRowSerializer(serializers.Serializer):
    flashcard = serializers.IntegerField()
    state = serializers.CharField()
    memory_strength = serializers.IntegerField(min_value=0, max_value=100)
    level = serializers.CharField()
    stability = serializers.FloatField(allow_null=True, help_text="Days until recall is 90 %.")
    due = serializers.DateTimeField(allow_null=True)
    last_review = serializers.DateTimeField(allow_null=True)
    reps = serializers.IntegerField()
    lapses = serializers.IntegerField()
    streak = serializers.IntegerField()
    best_streak = serializers.IntegerField()
    suspended = serializers.BooleanField()
    is_leech = serializers.BooleanField()


class ForecastDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    due = serializers.IntegerField()


class CatalogStrengthSerializer(serializers.Serializer):
    catalog = serializers.IntegerField()
    name = serializers.CharField()
    cards = serializers.IntegerField()
    studied = serializers.IntegerField()
    memory_strength = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    due_now = serializers.IntegerField()
    due_today = serializers.IntegerField()
    new_available = serializers.IntegerField()
    reviews_today = serializers.IntegerField()
    study_streak = serializers.IntegerField(help_text="Days in a row with a review.")
    memory_strength_histogram = serializers.ListField(
        child=serializers.IntegerField(), help_text="Cards with strength 0-9, 10-19, … 90-100."
    )
    average_memory_strength = serializers.IntegerField()
    levels = serializers.DictField(child=serializers.IntegerField())
    forecast = ForecastDaySerializer(many=True)
    retention_30d = serializers.FloatField(allow_null=True)
    leeches = serializers.IntegerField()
    catalogs = CatalogStrengthSerializer(many=True, required=False)


class HistoryReviewSerializer(serializers.Serializer):
    reviewed_at = serializers.DateTimeField()
    quiz_type = serializers.CharField(allow_null=True)
    rating = serializers.IntegerField()
    correct = serializers.BooleanField(allow_null=True)
    interval_days = serializers.FloatField(allow_null=True)
    stability = serializers.FloatField(allow_null=True)


class CurvePointSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    memory_strength = serializers.IntegerField()


class HistorySerializer(serializers.Serializer):
    flashcard = serializers.IntegerField()
    reviews = HistoryReviewSerializer(many=True)
    memory_strength_curve = CurvePointSerializer(many=True)
