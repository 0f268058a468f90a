from django.contrib import admin

from quizzes.models import QuizType


@admin.register(QuizType)
class QuizTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "difficulty"]
    list_filter = ["difficulty"]
    search_fields = ["code", "name"]
