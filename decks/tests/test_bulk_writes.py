"""The bulk writer (cerego.bulk: COPY on PostgreSQL, executemany on SQLite) writes the rows
the ORM's bulk_create wrote, and the catalogs' card counters (triggers) see them."""

import time_machine
from django.db import transaction
from django.forms.models import model_to_dict

from accounts.tests.factories import UserFactory
from decks.models import Catalog, CatalogCardCount, CatalogFlashcard, Flashcard
from decks.services.card_fields import CardFields, flashcard_fields_clean
from decks.services.flashcards import (
    CARD_COLUMNS,
    CARD_MOMENTS,
    MEMBERSHIP_COLUMNS,
    MEMBERSHIP_MOMENTS,
    flashcards_bulk_create,
)
from decks.tests.factories import CatalogFactory, LanguageFactory

MOMENT = "2026-12-03 10:00:00+00:00"


def _fields(count: int, language) -> list[CardFields]:
    texts = ["<b>hola</b> mundo", "a < b & c", "ñandú\nsegunda línea", "tab\there", "x" * 200]
    return [
        flashcard_fields_clean(
            front=f"{texts[n % len(texts)]} {n}",
            back=f"back {n} " + texts[(n + 1) % len(texts)],
            hint="" if n % 2 else f"hint {n}",
            language=language,
        )
        for n in range(count)
    ]


def _orm_bulk_create(owner, cards) -> list[int]:
    """What flashcards_bulk_create did before the bulk writer: the ORM's bulk_create."""
    flashcards = Flashcard.objects.bulk_create(fields.flashcard(owner=owner) for _, fields in cards)
    CatalogFlashcard.objects.bulk_create(
        CatalogFlashcard(
            catalog_id=catalog_id, flashcard=card, front_normalized=card.front_normalized
        )
        for (catalog_id, _), card in zip(cards, flashcards, strict=True)
    )
    return [card.pk for card in flashcards]


def _rows(ids: list[int]) -> list[tuple[dict, list[dict]]]:
    """Each card's columns and its memberships' columns, ids and the owner's catalog aside."""
    rows = []
    for pk in ids:
        card = model_to_dict(Flashcard.objects.get(pk=pk), exclude=["id"])
        card |= Flashcard.objects.filter(pk=pk).values("created_at", "updated_at").get()
        memberships = list(
            CatalogFlashcard.objects.filter(flashcard_id=pk)
            .order_by("id")
            .values("catalog__name", "front_normalized", "added_at")
        )
        rows.append((card, memberships))
    return rows


def test_every_column_of_both_models_is_written():
    def concrete(model) -> set[str]:
        return {field.attname for field in model._meta.concrete_fields}

    assert {*CARD_COLUMNS, *CARD_MOMENTS} == concrete(Flashcard)
    # A membership's id comes from its sequence: nobody needs it back.
    assert {*MEMBERSHIP_COLUMNS, *MEMBERSHIP_MOMENTS} == concrete(CatalogFlashcard) - {"id"}


@time_machine.travel(MOMENT, tick=False)
def test_the_bulk_writer_writes_the_rows_bulk_create_wrote(db):
    language = LanguageFactory(code="es")
    owner = UserFactory()
    first, second = (CatalogFactory(owner=owner, name=name) for name in ("First", "Second"))
    fields = _fields(30, language)
    cards = [((first if n % 3 else second).pk, f) for n, f in enumerate(fields)]

    with transaction.atomic():
        ours = flashcards_bulk_create(owner=owner, cards=cards)
    mirror_first, mirror_second = (
        CatalogFactory(owner=owner, name=name) for name in ("First", "Second")
    )
    with transaction.atomic():
        theirs = _orm_bulk_create(
            owner,
            [((mirror_first if n % 3 else mirror_second).pk, f) for n, f in enumerate(fields)],
        )

    assert ours == sorted(ours)
    assert len(set(ours)) == 30
    assert _rows(ours) == _rows(theirs)
    # In insertion order, as a catalog's page lists them.
    assert list(first.flashcards.order_by("memberships__id").values_list("pk", flat=True)) == [
        pk for n, pk in enumerate(ours) if n % 3
    ]


def test_the_card_counters_count_bulk_written_cards(db):
    language = LanguageFactory(code="es")
    owner = UserFactory()
    first, second = CatalogFactory(owner=owner), CatalogFactory(owner=owner)
    fields = _fields(12, language)

    with transaction.atomic():
        flashcards_bulk_create(
            owner=owner, cards=[((first if n < 8 else second).pk, f) for n, f in enumerate(fields)]
        )
        flashcards_bulk_create(owner=owner, cards=[(second.pk, _fields(13, language)[12])])

    counts = dict(CatalogCardCount.objects.values_list("catalog_id", "flashcards"))
    assert counts == {first.pk: 8, second.pk: 5}
    assert Catalog.objects.get(pk=second.pk).memberships.count() == 5


def test_ids_continue_after_the_largest_ever_given(db):
    """AUTOINCREMENT (SQLite) and the sequence (PostgreSQL) never give an id twice, even
    when the newest card was deleted: neither does the bulk writer."""
    language = LanguageFactory(code="es")
    owner = UserFactory()
    catalog = CatalogFactory(owner=owner)
    with transaction.atomic():
        first = flashcards_bulk_create(owner=owner, cards=[(catalog.pk, _fields(1, language)[0])])
    Flashcard.objects.filter(pk__in=first).delete()

    with transaction.atomic():
        again = flashcards_bulk_create(owner=owner, cards=[(catalog.pk, _fields(1, language)[0])])

    assert again[0] > first[0]
    assert (
        Flashcard.objects.create(
            front="z", front_normalized="z", back="z", language=language, owner=owner
        ).pk
        > again[0]
    )
