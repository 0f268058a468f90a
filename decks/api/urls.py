from rest_framework.routers import SimpleRouter

from decks.api.views import CatalogViewSet, FlashcardViewSet, LanguageViewSet

router = SimpleRouter()
router.register("languages", LanguageViewSet, basename="language")
router.register("catalogs", CatalogViewSet, basename="catalog")
router.register("flashcards", FlashcardViewSet, basename="flashcard")

urlpatterns = router.urls
