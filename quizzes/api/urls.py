from django.urls import path

from quizzes.api import views

urlpatterns = [
    path("auth/settings/", views.SettingsView.as_view(), name="api-settings"),
]
