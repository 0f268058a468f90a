"""Every route of the decks API. The import and export paths come before the router, so
`catalogs/import/` is never read as a catalog id."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from decks.api.catalogs import CatalogViewSet
from decks.api.exports import CatalogExportView
from decks.api.flashcards import FlashcardViewSet
from decks.api.imports import ImportCreateView, ImportJobDetailView
from decks.api.languages import LanguageViewSet

router = SimpleRouter()
router.register("languages", LanguageViewSet, basename="language")
router.register("catalogs", CatalogViewSet, basename="catalog")
router.register("flashcards", FlashcardViewSet, basename="flashcard")

urlpatterns = [
    path("catalogs/import/", ImportCreateView.as_view(), name="api-catalog-import"),
    path("catalogs/<int:pk>/export/", CatalogExportView.as_view(), name="api-catalog-export"),
    path("imports/<int:pk>/", ImportJobDetailView.as_view(), name="api-import-detail"),
    *router.urls,
]
