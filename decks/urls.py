from django.urls import path

from decks import views

app_name = "decks"
urlpatterns = [
    path("catalogs/", views.catalog_list, name="catalog-list"),
    path("catalogs/new/", views.catalog_create, name="catalog-create"),
    path("catalogs/<int:pk>/", views.catalog_detail, name="catalog-detail"),
    path("catalogs/<int:pk>/settings/", views.catalog_settings, name="catalog-settings"),
    path("catalogs/<int:pk>/delete/", views.catalog_delete, name="catalog-delete"),
    path("catalogs/<int:pk>/copy/", views.catalog_copy, name="catalog-copy"),
    path("catalogs/<int:pk>/share/", views.catalog_share, name="catalog-share"),
    path(
        "catalogs/<int:pk>/share/<int:share_id>/revoke/",
        views.catalog_share_revoke,
        name="catalog-share-revoke",
    ),
    path("catalogs/<int:pk>/share-link/", views.catalog_share_link, name="catalog-share-link"),
    path("catalogs/<int:pk>/cards/<int:card_id>/edit/", views.card_edit, name="card-edit"),
    path("catalogs/<int:pk>/cards/<int:card_id>/remove/", views.card_remove, name="card-remove"),
    path("flashcards/<int:card_id>/share/", views.flashcard_share, name="flashcard-share"),
    path(
        "flashcards/<int:card_id>/share/<int:share_id>/revoke/",
        views.flashcard_share_revoke,
        name="flashcard-share-revoke",
    ),
    path("library/", views.library, name="library"),
    path("share/<str:token>/", views.catalog_shared, name="catalog-shared"),
    path("share/<str:token>/copy/", views.catalog_shared_copy, name="catalog-shared-copy"),
]
