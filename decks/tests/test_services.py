import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.tests.factories import UserFactory
from decks.exceptions import DuplicateFlashcard
from decks.importers import ParsedFile, ParsedRow, Rejection
from decks.models import Catalog, CatalogFlashcard, CatalogShare, Flashcard, Role
from decks.services.catalogs import catalog_copy, catalog_create, catalog_update
from decks.services.flashcards import (
    catalog_flashcard_add,
    flashcard_create,
    flashcard_update,
)
from decks.services.imports import flashcards_import
from decks.services.sharing import (
    catalog_share_link_regenerate,
    share_create,
)
from decks.tests.factories import (
    CatalogFactory,
    CatalogFlashcardFactory,
    FlashcardFactory,
    LanguageFactory,
)


@pytest.mark.django_db
class TestFlashcards:
    def test_a_card_takes_the_catalog_language(self, spanish):
        catalog = CatalogFactory(language=spanish)

        card = flashcard_create(owner=catalog.owner, catalog=catalog, front=" gato ", back="cat")

        assert (card.front, card.language, card.front_normalized) == ("gato", spanish, "gato")
        assert card.memberships.get().front_normalized == "gato"

    def test_a_card_of_another_language_is_refused(self, spanish, french):
        catalog = CatalogFactory(language=spanish)

        with pytest.raises(ValidationError) as error:
            flashcard_create(
                owner=catalog.owner, catalog=catalog, front="chat", back="cat", language=french
            )

        assert "language" in error.value.message_dict
        assert not Flashcard.objects.exists()

    def test_a_card_without_any_language_is_refused(self, learner):
        with pytest.raises(ValidationError, match="language"):
            flashcard_create(owner=learner, front="chat", back="cat")

    @pytest.mark.parametrize(
        ("front", "back", "hint", "field"),
        [
            ("", "cat", "", "front"),
            (" \t\n ", "cat", "", "front"),
            ("gato", "   ", "", "back"),
            ("g" * 501, "cat", "", "front"),
            ("gato", "c" * 5001, "", "back"),
            ("gato", "cat", "h" * 501, "hint"),
            ("<script>alert(1)</script>", "cat", "", "front"),
            ("<b></b>", "cat", "", "front"),
        ],
    )
    def test_bad_text_is_refused(self, learner, spanish, front, back, hint, field):
        with pytest.raises(ValidationError) as error:
            flashcard_create(owner=learner, front=front, back=back, hint=hint, language=spanish)

        assert field in error.value.message_dict
        assert not Flashcard.objects.exists()

    def test_typed_formatting_is_kept_and_other_html_reduced_to_text(self, learner, spanish):
        card = flashcard_create(
            owner=learner,
            front="<strong>gato</strong>",
            back='cat<script>alert(1)</script> <i onclick="x">feline</i>',
            hint="<ruby>猫<rt>ねこ</rt></ruby>",
            language=spanish,
        )

        card.refresh_from_db()
        assert (card.front, card.back, card.hint) == (
            "<b>gato</b>",
            "cat <i>feline</i>",
            "<ruby>猫<rt>ねこ</rt></ruby>",
        )
        assert card.front_normalized == "gato"

    def test_a_word_in_bold_is_the_same_word(self, spanish):
        catalog = CatalogFactory(language=spanish)
        flashcard_create(owner=catalog.owner, catalog=catalog, front="café", back="coffee")

        with pytest.raises(DuplicateFlashcard):
            flashcard_create(owner=catalog.owner, catalog=catalog, front="<b>Café</b>", back="x")

    def test_the_same_word_twice_in_a_catalog_names_the_first(self, spanish):
        catalog = CatalogFactory(language=spanish)
        first = flashcard_create(owner=catalog.owner, catalog=catalog, front="Café", back="coffee")

        with pytest.raises(DuplicateFlashcard) as error:
            flashcard_create(owner=catalog.owner, catalog=catalog, front=" CAFÉ ", back="x")

        assert error.value.duplicate_of == first.pk
        assert Flashcard.objects.count() == 1

    def test_the_same_word_in_two_catalogs_is_fine(self, spanish):
        owner = UserFactory()
        for name in ("A", "B"):
            catalog = CatalogFactory(owner=owner, name=name, language=spanish)
            flashcard_create(owner=owner, catalog=catalog, front="café", back="coffee")

        assert CatalogFlashcard.objects.count() == 2

    def test_adding_an_existing_card_of_another_language_is_refused(self, spanish, french):
        catalog = CatalogFactory(language=spanish)
        card = FlashcardFactory(language=french, owner=catalog.owner)

        with pytest.raises(ValidationError, match="language"):
            catalog_flashcard_add(catalog=catalog, flashcard=card)

    def test_someone_elses_card_cannot_be_taken_into_my_catalog(self, spanish):
        mine = CatalogFactory(language=spanish)
        theirs = FlashcardFactory(language=spanish)

        with pytest.raises(ValidationError, match="owner"):
            catalog_flashcard_add(catalog=mine, flashcard=theirs)
        assert not mine.flashcards.exists()

    def test_editing_a_front_syncs_every_membership(self, spanish):
        membership = CatalogFlashcardFactory(flashcard__front="gato", flashcard__language=spanish)
        card = membership.flashcard
        CatalogFlashcard.objects.create(
            catalog=CatalogFactory(owner=card.owner), flashcard=card, front_normalized="gato"
        )

        flashcard_update(flashcard=card, front="El Gato")

        assert set(card.memberships.values_list("front_normalized", flat=True)) == {"el gato"}

    def test_editing_a_front_into_a_taken_word_changes_nothing(self, spanish):
        catalog = CatalogFactory(language=spanish)
        taken = flashcard_create(owner=catalog.owner, catalog=catalog, front="perro", back="dog")
        card = flashcard_create(owner=catalog.owner, catalog=catalog, front="gato", back="cat")

        with pytest.raises(DuplicateFlashcard) as error:
            flashcard_update(flashcard=card, front="Perro", back="changed")

        assert error.value.duplicate_of == taken.pk
        card.refresh_from_db()
        assert (card.front, card.back) == ("gato", "cat")
        assert card.memberships.get().front_normalized == "gato"

    def test_changing_the_language_of_a_card_in_a_catalog_of_one_language_is_refused(
        self, spanish, french
    ):
        membership = CatalogFlashcardFactory(catalog__language=spanish, flashcard__language=spanish)

        with pytest.raises(ValidationError, match="language") as error:
            flashcard_update(flashcard=membership.flashcard, language=french)

        assert "every card of catalog" in str(error.value)

    @pytest.mark.parametrize(
        ("front", "back", "field", "message"),
        [
            (
                "ga\x00to",
                "cat",
                "front",
                "The front contains an invisible control character (U+0000).",
            ),
            (
                "gato",
                "c\x00t",
                "back",
                "The back contains an invisible control character (U+0000).",
            ),
            ("\ufdfa" * 100, "x", "front", "The front is too long once normalised."),
        ],
    )
    def test_text_no_database_can_store_is_refused_on_create_and_edit(
        self, learner, spanish, front, back, field, message
    ):
        with pytest.raises(ValidationError) as error:
            flashcard_create(owner=learner, front=front, back=back, language=spanish)
        assert error.value.message_dict[field] == [message]
        card = flashcard_create(owner=learner, front="gato", back="cat", language=spanish)

        with pytest.raises(ValidationError) as error:
            flashcard_update(flashcard=card, front=front, back=back)

        assert error.value.message_dict[field] == [message]
        card.refresh_from_db()
        assert (card.front, card.back) == ("gato", "cat")

    def test_a_card_and_an_imported_row_are_refused_with_the_same_words(self, learner, spanish):
        catalog = CatalogFactory(owner=learner, language=spanish)
        parsed = ParsedFile(rows=[ParsedRow(row=2, front="g" * 501, back="")])

        with pytest.raises(ValidationError) as error:
            flashcard_create(owner=learner, catalog=catalog, front="g" * 501, back="")
        result = flashcards_import(owner=learner, parsed=parsed, catalog=catalog)

        assert result.rejected == [Rejection(2, " ".join(error.value.messages))]
        assert "at most 500" in result.rejected[0].reason
        assert not Flashcard.objects.exists()


@pytest.mark.django_db
class TestCatalogs:
    def test_an_unlisted_catalog_gets_a_link(self, learner):
        catalog = catalog_create(owner=learner, name="Verbs", visibility="unlisted")

        assert catalog.share_token

    def test_its_language_cannot_clash_with_its_cards(self, spanish, french):
        membership = CatalogFlashcardFactory(catalog__language=None, flashcard__language=spanish)

        with pytest.raises(ValidationError, match="language"):
            catalog_update(catalog=membership.catalog, language=french)
        catalog_update(catalog=membership.catalog, language=spanish)

        assert Catalog.objects.get().language == spanish

    def test_regenerating_the_link_kills_the_old_one(self, learner):
        catalog = catalog_create(owner=learner, name="Verbs", visibility="unlisted")
        old = catalog.share_token

        catalog_share_link_regenerate(catalog=catalog, by=learner)

        assert catalog.share_token != old
        assert not Catalog.objects.filter(share_token=old).exists()

    def test_going_private_and_back_to_unlisted_does_not_revive_the_old_link(self, learner):
        catalog = catalog_create(owner=learner, name="Verbs", visibility="unlisted")
        old = catalog.share_token

        catalog_update(catalog=catalog, visibility="private")
        catalog_update(catalog=catalog, visibility="unlisted")

        assert catalog.share_token
        assert catalog.share_token != old

    def test_a_private_catalog_has_no_link_to_make(self, learner):
        catalog = catalog_create(owner=learner, name="Verbs")

        with pytest.raises(ValidationError, match="private"):
            catalog_share_link_regenerate(catalog=catalog, by=learner)

    def test_a_copy_is_deep_and_private(self, spanish):
        source = CatalogFactory(language=spanish, visibility="public", description="d")
        cards = [
            CatalogFlashcardFactory(catalog=source, flashcard__language=spanish).flashcard
            for _ in range(3)
        ]
        reader = UserFactory()

        copy = catalog_copy(catalog=source, owner=reader)

        copied = list(copy.flashcards.order_by("memberships__id"))
        assert [card.front for card in copied] == [card.front for card in cards]
        assert {card.owner for card in copied} == {reader}
        assert not {card.pk for card in copied} & {card.pk for card in cards}
        assert (copy.visibility, copy.language, copy.copied_from) == ("private", spanish, source)
        flashcard_update(flashcard=copied[0], back="mine now")
        cards[0].refresh_from_db()
        assert cards[0].back != "mine now"


@pytest.mark.django_db
class TestSharing:
    def test_share_by_username_or_email_and_change_the_role(self):
        catalog = CatalogFactory()
        friend = UserFactory(username="Friend", email="friend@example.com")

        share_create(shared=catalog, user_ref="friend", role=Role.VIEWER, by=catalog.owner)
        share_create(
            shared=catalog, user_ref="FRIEND@example.com", role=Role.EDITOR, by=catalog.owner
        )

        assert CatalogShare.objects.get().user == friend
        assert CatalogShare.objects.get().role == Role.EDITOR

    @pytest.mark.parametrize("user_ref", ["nobody", "", "   "])
    def test_sharing_with_an_unknown_user_is_refused(self, user_ref):
        catalog = CatalogFactory()
        with pytest.raises(ValidationError, match="No user"):
            share_create(shared=catalog, user_ref=user_ref, role=Role.VIEWER, by=catalog.owner)

    def test_sharing_with_oneself_is_refused(self):
        card = FlashcardFactory()

        with pytest.raises(ValidationError, match="yourself"):
            share_create(shared=card, user_ref=card.owner.email, role=Role.VIEWER, by=card.owner)

    def test_an_unknown_role_is_refused(self):
        UserFactory(username="friend")
        catalog = CatalogFactory()
        with pytest.raises(ValidationError, match="role"):
            share_create(shared=catalog, user_ref="friend", role="admin", by=catalog.owner)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_inserts_of_the_same_word_one_wins():
    """Two writers add the same word to one catalog at once: one card gets in, the other
    writer is told it is a duplicate, whichever of them gets there first."""
    catalog = CatalogFactory(language=LanguageFactory(code="es"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add(front: str) -> None:
        try:
            barrier.wait(timeout=5)
            flashcard_create(owner=catalog.owner, catalog=catalog, front=front, back="x")
            outcomes.append("added")
        except DuplicateFlashcard:
            outcomes.append("duplicate")
        except Exception as error:  # anything else is a failure, shown by the assert
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(front,)) for front in ("Hola", "hola ")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["added", "duplicate"]
    assert CatalogFlashcard.objects.filter(catalog=catalog).count() == 1
    assert Flashcard.objects.count() == 1


CONTROL_CHARACTERS = ["\x01\x02", "a\x07b", "\x1bescape", "x\x0cy", "\x7f\x00"]


@pytest.mark.parametrize("text", CONTROL_CHARACTERS)
def test_control_characters_are_refused_in_every_text_of_a_card(learner, spanish, text):
    for field in ("front", "back", "hint"):
        values = {"front": "gato", "back": "cat", "hint": ""} | {field: text}
        with pytest.raises(ValidationError) as error:
            flashcard_create(owner=learner, language=spanish, **values)
        assert "invisible control character (U+" in error.value.message_dict[field][0]
    assert not Flashcard.objects.exists()


@pytest.mark.parametrize("text", CONTROL_CHARACTERS)
def test_control_characters_are_refused_in_a_catalog_name_and_description(learner, text):
    with pytest.raises(ValidationError, match="invisible control character"):
        catalog_create(owner=learner, name=f"Verbs {text}")
    catalog = catalog_create(owner=learner, name="Verbs")
    with pytest.raises(ValidationError, match="invisible control character"):
        catalog_update(catalog=catalog, description=f"All the {text} verbs")
    catalog.refresh_from_db()
    assert (catalog.name, catalog.description) == ("Verbs", "")


def test_tabs_and_line_ends_are_kept_and_carriage_returns_become_newlines(learner, spanish):
    card = flashcard_create(
        owner=learner, language=spanish, front="ga\tto", back="one\r\ntwo\rthree\nfour"
    )
    catalog = catalog_create(owner=learner, name="Verbs", description="line\r\nnext")

    assert (card.front, card.back) == ("ga\tto", "one\ntwo\nthree\nfour")
    assert catalog.description == "line\nnext"


def test_an_imported_row_with_a_control_character_is_rejected_with_its_reason(learner, spanish):
    catalog = CatalogFactory(owner=learner, language=spanish)
    parsed = ParsedFile(rows=[ParsedRow(2, "\x01\x02", "x"), ParsedRow(3, "gato", "cat")])

    result = flashcards_import(owner=learner, parsed=parsed, catalog=catalog)

    assert result.created == 1
    assert [(r.row, r.reason) for r in result.rejected] == [
        (2, "The front contains an invisible control character (U+0001).")
    ]
