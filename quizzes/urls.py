# No app namespace: the navigation and older links use plain names such as `settings`.
from django.urls import path

from quizzes.views import account_data, progress, reminders, study
from quizzes.views import settings as settings_views

urlpatterns = [
    path("settings/", settings_views.settings_edit, name="settings"),
    path("settings/optimize/", settings_views.settings_optimize, name="settings-optimize"),
    path("account/export/", account_data.account_export, name="account-export"),
    path("account/delete/", account_data.account_delete, name="account-delete"),
    path(
        "reminders/unsubscribe/",
        reminders.reminders_unsubscribe_view,
        name="reminders-unsubscribe",
    ),
    path("study/", study.study_all, name="study-all"),
    path("catalogs/<int:catalog_id>/study/", study.study_catalog, name="study-catalog"),
    path("study/<int:quiz_id>/", study.study_session, name="study-session"),
    path("statistics/", progress.statistics, name="statistics"),
    path("cards/<int:flashcard_id>/", progress.card_detail, name="card-detail"),
]
