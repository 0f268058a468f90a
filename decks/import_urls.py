"""Import pages and the export download; included before decks.urls at the site root."""

from django.urls import path

from decks import views_imports

app_name = "imports"
urlpatterns = [
    path("catalogs/import/", views_imports.import_new, name="new"),
    path("catalogs/<int:pk>/export/", views_imports.catalog_export, name="export"),
    path("imports/<int:pk>/", views_imports.import_detail, name="detail"),
]
