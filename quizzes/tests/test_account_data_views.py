"""The "Your data" pages: download everything, delete the account."""

import json

import pytest
from django.urls import reverse

from accounts.models import User
from decks.models import Catalog, Flashcard
from quizzes.models import ReviewLog
from quizzes.tests.conftest import text_of
from quizzes.tests.two_learners import ADA_PASSWORD, two_learners

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(spanish, quiz_types):
    return two_learners(spanish)


@pytest.fixture
def ada_client(client, world):
    client.force_login(world.ada)
    return client


def counts():
    return [model.objects.count() for model in (User, Catalog, Flashcard, ReviewLog)]


def test_the_settings_page_offers_the_download_and_the_deletion(ada_client):
    html = ada_client.get(reverse("settings")).content.decode()

    assert "Your data" in html
    assert f'href="{reverse("account-export")}"' in html
    assert f'href="{reverse("account-delete")}"' in html


def test_the_download_asks_for_the_password_first(ada_client):
    page = ada_client.get(reverse("account-export"))

    assert page.status_code == 200
    assert 'type="password"' in page.content.decode()
    assert "Content-Disposition" not in page


def test_the_download_with_a_wrong_password_is_a_form_error(ada_client):
    response = ada_client.post(reverse("account-export"), {"password": "not-her-password"})

    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert "Your password was entered incorrectly." in response.content.decode()


def test_the_download_with_the_password_is_a_json_file(ada_client):
    response = ada_client.post(reverse("account-export"), {"password": ADA_PASSWORD})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cerego-ada-')
    data = json.loads(b"".join(response.streaming_content))
    assert [card["front"] for card in data["flashcards"]] == ["hola", "adiós", "gato", "suelto"]


def test_the_deletion_page_says_what_goes_and_what_stays(ada_client):
    text = text_of(ada_client.get(reverse("account-delete")).content.decode())

    assert "This cannot be undone." in text
    assert "Your 2 catalogs and your 4 cards, and the 1 share you gave others" in text
    assert "the 1 other learner studying your cards loses their progress on them" in text
    assert "Copies others made of your catalogs (1)" in text
    assert "Delete my account" in text


def test_a_wrong_password_deletes_nothing(ada_client):
    before = counts()

    response = ada_client.post(reverse("account-delete"), {"password": "not-her-password"})

    assert response.status_code == 200
    assert "Your password was entered incorrectly." in response.content.decode()
    assert counts() == before
    assert ada_client.get(reverse("settings")).status_code == 200  # still signed in


def test_the_deletion_signs_out_and_says_goodbye_on_the_landing_page(ada_client, world):
    response = ada_client.post(reverse("account-delete"), {"password": ADA_PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Your account and all your data are deleted." in response.content.decode()
    assert not User.objects.filter(username="ada").exists()
    assert Catalog.objects.filter(pk=world.bob_copy.pk).exists()
    assert ada_client.get(reverse("settings")).status_code == 302  # signed out


@pytest.mark.parametrize("name", ["account-export", "account-delete"])
def test_anonymous_visitors_are_sent_to_log_in(client, world, name):
    before = counts()

    for response in (
        client.get(reverse(name)),
        client.post(reverse(name), {"password": ADA_PASSWORD}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert counts() == before
