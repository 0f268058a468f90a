import factory

from accounts.tests.factories import UserFactory
from decks.models import Catalog, CatalogFlashcard, Flashcard, Language, normalize_front


class LanguageFactory(factory.django.DjangoModelFactory[Language]):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "es"
    name = factory.LazyAttribute(lambda language: f"Language {language.code}")


class CatalogFactory(factory.django.DjangoModelFactory[Catalog]):
    class Meta:
        model = Catalog

    name = factory.Sequence(lambda n: f"Catalog {n}")
    owner = factory.SubFactory(UserFactory)


class FlashcardFactory(factory.django.DjangoModelFactory[Flashcard]):
    class Meta:
        model = Flashcard

    front = factory.Sequence(lambda n: f"palabra {n}")
    front_normalized = factory.LazyAttribute(lambda card: normalize_front(card.front))
    back = factory.Sequence(lambda n: f"word {n}")
    language = factory.SubFactory(LanguageFactory)
    owner = factory.SubFactory(UserFactory)


class CatalogFlashcardFactory(factory.django.DjangoModelFactory[CatalogFlashcard]):
    """A card placed in a catalog (the card is created with the catalog's owner)."""

    class Meta:
        model = CatalogFlashcard

    catalog = factory.SubFactory(CatalogFactory)
    flashcard = factory.SubFactory(FlashcardFactory, owner=factory.SelfAttribute("..catalog.owner"))
    front_normalized = factory.LazyAttribute(
        lambda membership: membership.flashcard.front_normalized
    )
