# No app namespace: invite mails and the login page link to the plain name `register`.
# The landing page itself is the root URL `home`, declared in cerego/urls.py.
from django.urls import path

from waitlist import views

urlpatterns = [
    path("register/", views.register, name="register"),
]
