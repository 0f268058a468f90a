"""Import and export routes; included before the catalog router so `catalogs/import/`
is not read as a catalog id."""

from django.urls import path

from decks.api import imports

urlpatterns = [
    path("catalogs/import/", imports.ImportCreateView.as_view(), name="api-catalog-import"),
    path(
        "catalogs/<int:pk>/export/",
        imports.CatalogExportView.as_view(),
        name="api-catalog-export",
    ),
    path("imports/<int:pk>/", imports.ImportJobDetailView.as_view(), name="api-import-detail"),
]
