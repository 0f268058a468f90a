"""Clients signed in as one of the people of the `matrix` fixture (None: signed out)."""

from django.test import Client
from rest_framework.test import APIClient

WHO = ("owner", "editor", "viewer", "stranger", "anonymous")
HTMX = {"HTTP_HX_REQUEST": "true"}


def page_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
