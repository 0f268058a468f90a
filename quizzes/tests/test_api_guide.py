"""docs/api.md's examples, run in order against the API: the guide cannot drift from it."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.tests.factories import UserFactory
from decks.models import Flashcard
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory

GUIDE = Path(settings.BASE_DIR) / "docs" / "api.md"
EXAMPLE = re.compile(r"```http\n(?P<request>.*?)```\n```json\n(?P<answer>.*?)```", re.S)


def examples():
    for match in EXAMPLE.finditer(GUIDE.read_text()):
        request_line, _, body = match["request"].partition("\n")
        status, _, shape = match["answer"].partition("\n")
        method, path = request_line.split()
        yield method, path, body.strip(), int(status), json.loads(shape) if shape.strip() else {}


def fill(text, context):
    return re.sub(r"\{([a-z_]+)\}", lambda m: str(context.get(m[1], m[0])), text)


def assert_contains_fields(actual, shape, where="answer"):
    if isinstance(shape, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r}"
        for key, value in shape.items():
            assert key in actual, f"{where} lacks {key!r}: {actual!r}"
            assert_contains_fields(actual[key], value, f"{where}.{key}")
    elif isinstance(shape, list) and shape:
        assert isinstance(actual, list), f"{where}: {actual!r}"
        assert actual, f"{where} is empty"
        for index, item in enumerate(shape):
            assert_contains_fields(actual[index], item, f"{where}[{index}]")


@pytest.mark.django_db
def test_every_example_of_the_api_guide_answers_as_documented(api_client, quiz_types, spanish):
    ada = UserFactory(username="ada", password="analytical-engine-1843")
    catalog = CatalogFactory(owner=ada, language=spanish, name="Spanish")
    for front, back in (("hola", "hello"), ("adiós", "goodbye")):
        CatalogFlashcardFactory(
            catalog=catalog,
            flashcard__front=front,
            flashcard__back=back,
            flashcard__language=spanish,
        )
    Flashcard.objects.update(created_at=timezone.now() - timedelta(days=30))
    now = timezone.now()
    context = {
        "catalog": catalog.pk,
        "an_hour_ago": (now - timedelta(hours=1)).isoformat(),
        "a_year_in_the_future": (now + timedelta(days=365)).isoformat(),
    }
    ran = 0
    for method, path, body, status, shape in examples():
        data = json.loads(fill(body, context)) if body else None
        response = getattr(api_client, method.lower())(fill(path, context), data, format="json")

        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == status, (method, path, content[:300])
        answer = json.loads(content) if content else {}  # a download streams; a 204 is empty
        assert_contains_fields(answer, shape, f"{method} {path}")
        ran += 1
        if "access" in answer:
            context["refresh"] = answer["refresh"]
            api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {answer['access']}")
        if path == "/api/v1/quizzes/" and method == "POST":
            context["quiz"] = answer["id"]
            context["question"] = answer["questions"][0]["id"]
            context["flashcard"] = answer["questions"][0]["flashcard"]
    assert ran >= 8
