from django.urls import path
from rest_framework.routers import SimpleRouter

from waitlist.api import views

router = SimpleRouter()
router.register("entries", views.WaitlistEntryViewSet, basename="waitlist-entry")

urlpatterns = [
    path("", views.JoinView.as_view(), name="waitlist-join"),
    *router.urls,
]
