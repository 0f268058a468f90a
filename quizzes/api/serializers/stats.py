from rest_framework import serializers

from quizzes import memory


class ReviewDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="A study day, in the learner's time zone.")
    reviews = serializers.IntegerField(min_value=0)


class RetentionWeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday the week starts on.")
    reviews = serializers.IntegerField(min_value=0, help_text="Reviews of cards in Review state.")
    recalled = serializers.IntegerField(min_value=0, help_text="Those rated Hard or better.")
    retention = serializers.FloatField(
        allow_null=True, min_value=0, max_value=1, help_text="recalled / reviews; null if none."
    )


class LevelCountsSerializer(serializers.Serializer):
    """Cards at each level, New included."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: serializers.IntegerField(min_value=0) for name in memory.LEVEL_NAMES}


class CatalogMemorySerializer(serializers.Serializer):
    catalog = serializers.IntegerField()
    name = serializers.CharField()
    cards = serializers.IntegerField(min_value=0)
    studied = serializers.IntegerField(min_value=0)
    memory_strength = serializers.IntegerField(
        min_value=0, max_value=100, help_text="The average over all its cards, new ones at 0."
    )
    levels = LevelCountsSerializer()


class PredictedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    memory_strength = serializers.FloatField(min_value=0, max_value=100)


class PredictionSerializer(serializers.Serializer):
    cards = serializers.IntegerField(min_value=0, help_text="The studied cards averaged.")
    days = PredictedDaySerializer(
        many=True, help_text="Today and each of the next 90 days, if no card were reviewed."
    )


class StatisticsSerializer(serializers.Serializer):
    catalog = serializers.IntegerField(allow_null=True)
    time_zone = serializers.CharField()
    day_rollover_hour = serializers.IntegerField(min_value=0, max_value=23)
    desired_retention = serializers.FloatField()
    reviews_per_day = ReviewDaySerializer(many=True, help_text="The last 365 study days.")
    retention_per_week = RetentionWeekSerializer(many=True)
    catalogs = CatalogMemorySerializer(many=True)
    prediction = PredictionSerializer()
