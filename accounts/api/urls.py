from django.urls import path

from accounts.api import views

urlpatterns = [
    path("token/", views.TokenObtainView.as_view(), name="token-obtain"),
    path("token/refresh/", views.TokenRefreshRotateView.as_view(), name="token-refresh"),
    path("logout/", views.LogoutView.as_view(), name="api-logout"),
    path("register/", views.RegisterView.as_view(), name="api-register"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("settings/", views.SettingsView.as_view(), name="api-settings"),
    path("password/change/", views.PasswordChangeView.as_view(), name="api-password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="api-password-reset"),
    path(
        "password/reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="api-password-reset-confirm",
    ),
]
