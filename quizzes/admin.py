from django.contrib import admin

from quizzes.models import QuizType, StudySettings


@admin.register(QuizType)
class QuizTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "difficulty"]
    list_filter = ["difficulty"]
    search_fields = ["code", "name"]


@admin.register(StudySettings)
class StudySettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "desired_retention", "daily_new_limit", "daily_review_limit"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    filter_horizontal = ["preferred_quiz_types"]
    readonly_fields = ["fsrs_parameters", "updated_at"]
