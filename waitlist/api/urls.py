from django.urls import include, path
from rest_framework.routers import SimpleRouter

from waitlist.api import views

router = SimpleRouter()
router.register("entries", views.WaitlistEntryViewSet, basename="waitlist-entry")

# Mounted at the API root: joining lives under waitlist/, registering by invite under auth/.
urlpatterns = [
    path("waitlist/", views.JoinView.as_view(), name="waitlist-join"),
    path("waitlist/", include(router.urls)),
    path("auth/register/", views.RegisterView.as_view(), name="api-register"),
]
