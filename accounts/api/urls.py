from django.urls import path

from accounts.api import views

urlpatterns = [
    path("token/", views.TokenObtainView.as_view(), name="token-obtain"),
    path("token/refresh/", views.TokenRefreshRotateView.as_view(), name="token-refresh"),
    path("logout/", views.LogoutView.as_view(), name="api-logout"),
    path("logout-everywhere/", views.LogoutEverywhereView.as_view(), name="api-logout-everywhere"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("password/change/", views.PasswordChangeView.as_view(), name="api-password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="api-password-reset"),
    path(
        "password/reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="api-password-reset-confirm",
    ),
]
