from rest_framework import serializers

from quizzes.models import ParameterFit


class HealthSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=["healthy", "small_gain", "few_reviews", "hard_to_predict", "defaults_better"]
    )
    trustworthy = serializers.BooleanField()
    message = serializers.CharField()


class ParameterFitSerializer(serializers.Serializer):
    """The learner's last fit; log loss and RMSE(bins) are measured on held-out reviews."""

    status = serializers.ChoiceField(choices=["none", *ParameterFit.Status.values])
    reviews = serializers.IntegerField(help_text="Reviews the fit read (without one: yours).")
    reviews_needed = serializers.IntegerField(help_text="Reviews needed before a fit.")
    log_loss_default = serializers.FloatField(allow_null=True)
    log_loss_fitted = serializers.FloatField(allow_null=True)
    rmse_default = serializers.FloatField(allow_null=True)
    rmse_fitted = serializers.FloatField(allow_null=True)
    kept = serializers.BooleanField(help_text="The fitted parameters became yours.")
    fitted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)
    detail = serializers.CharField(allow_blank=True, help_text="Why the fit failed.")
    health = HealthSerializer(allow_null=True, help_text="Whether to trust the fit.")


class TooFewReviewsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    reviews = serializers.IntegerField()
    reviews_needed = serializers.IntegerField()


class FitRunningSerializer(serializers.Serializer):
    detail = serializers.CharField()
    fit = ParameterFitSerializer()


class RetentionPointSerializer(serializers.Serializer):
    desired_retention = serializers.FloatField()
    reviews_per_day = serializers.FloatField()
    new_cards_per_day = serializers.FloatField()
    minutes_per_day = serializers.FloatField()
    memorised = serializers.IntegerField(help_text="Cards you would recall after a year.")


class RetentionTradeoffSerializer(serializers.Serializer):
    cards = serializers.IntegerField(help_text="Cards in your collection.")
    days = serializers.IntegerField()
    desired_retention = serializers.FloatField(help_text="Your current desired retention.")
    personalised = serializers.BooleanField(help_text="Simulated with your fitted parameters.")
    points = RetentionPointSerializer(many=True)
