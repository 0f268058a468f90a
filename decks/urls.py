"""Every page of decks, under two namespaces: `decks:` (catalogs, cards, sharing, the
library) and `imports:` (import a file, confirm its languages, follow its import, export a
catalog)."""

from django.urls import include, path

from decks.views import cards, catalogs, exports, imports, library, sharing

catalog_patterns = [
    path("catalogs/", catalogs.catalog_list, name="catalog-list"),
    path("catalogs/new/", catalogs.catalog_create, name="catalog-create"),
    path("catalogs/<int:pk>/", catalogs.catalog_detail, name="catalog-detail"),
    path("catalogs/<int:pk>/settings/", catalogs.catalog_settings, name="catalog-settings"),
    path("catalogs/<int:pk>/delete/", catalogs.catalog_delete, name="catalog-delete"),
    path("catalogs/<int:pk>/copy/", catalogs.catalog_copy, name="catalog-copy"),
    path("catalogs/<int:pk>/cards/<int:card_id>/edit/", cards.card_edit, name="card-edit"),
    path("catalogs/<int:pk>/cards/<int:card_id>/remove/", cards.card_remove, name="card-remove"),
    path("catalogs/<int:pk>/share/", sharing.catalog_share, name="catalog-share"),
    path(
        "catalogs/<int:pk>/share/<int:share_id>/revoke/",
        sharing.catalog_share_revoke,
        name="catalog-share-revoke",
    ),
    path("catalogs/<int:pk>/share-link/", sharing.catalog_share_link, name="catalog-share-link"),
    path("flashcards/<int:card_id>/share/", sharing.flashcard_share, name="flashcard-share"),
    path(
        "flashcards/<int:card_id>/share/<int:share_id>/revoke/",
        sharing.flashcard_share_revoke,
        name="flashcard-share-revoke",
    ),
    path("share/<str:token>/", sharing.catalog_shared, name="catalog-shared"),
    path("share/<str:token>/copy/", sharing.catalog_shared_copy, name="catalog-shared-copy"),
    path("library/", library.library, name="library"),
]

import_patterns = [
    path("catalogs/import/", imports.import_new, name="new"),
    path("catalogs/<int:pk>/export/", exports.catalog_export, name="export"),
    path("imports/<int:pk>/", imports.import_detail, name="detail"),
    path("imports/<int:pk>/preview/", imports.import_preview, name="preview"),
    path("imports/<int:pk>/cancel/", imports.import_cancel, name="cancel"),
]

urlpatterns = [
    path("", include((import_patterns, "imports"))),
    path("", include((catalog_patterns, "decks"))),
]
