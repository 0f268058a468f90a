# No app namespace: the navigation and older links use the plain name `settings`.
from django.urls import path

from quizzes import views

urlpatterns = [
    path("settings/", views.settings_edit, name="settings"),
]
