# No app namespace: the navigation and older links use the plain name `settings`.
from django.urls import path

from quizzes.views import settings as settings_views

urlpatterns = [
    path("settings/", settings_views.settings_edit, name="settings"),
]
