"""Two learners whose data touch, for the download and the deletion of an account.

Ada owns a private catalog (shared with Bob), a public one and a loose card, studies her
cards and one of Bob's, and has a parameter fit. Bob owns a private catalog (shared with
Ada), studies Ada's public card and has copied her public catalog and studies the copy.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from accounts.models import User
from accounts.tests.factories import UserFactory
from decks.models import Catalog, CatalogShare, Flashcard, Language, Role
from decks.services.catalogs import catalog_copy
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory, FlashcardFactory
from quizzes.models import CardProgress, CardState, ParameterFit, QuizType, ReviewLog
from quizzes.selectors.settings import study_settings_of

REVIEWED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADA_PASSWORD = "analytical-engine-1843"


@dataclass
class TwoLearners:
    ada: User
    bob: User
    ada_private: Catalog
    ada_public: Catalog
    ada_cards: list[Flashcard]  # hola, adiós (private), gato (public), suelto (loose)
    bob_private: Catalog
    bob_card: Flashcard
    bob_copy: Catalog


def studied(user: User, card: Flashcard, *, reviews: int = 1) -> None:
    CardProgress.objects.create(
        user=user, flashcard=card, state=CardState.REVIEW, stability=3, due=REVIEWED_AT, reps=1
    )
    for _ in range(reviews):
        ReviewLog.objects.create(
            user=user, flashcard=card, rating=3, reviewed_at=REVIEWED_AT, state_after={"s": 3}
        )


def two_learners(language: Language) -> TwoLearners:
    ada = UserFactory(username="ada", email="ada@example.com", password=ADA_PASSWORD)
    bob = UserFactory(username="bob", email="bob@example.com")
    ada_private = CatalogFactory(owner=ada, name="Spanish basics", language=language)
    cards = [
        CatalogFlashcardFactory(
            catalog=ada_private, flashcard__front=front, flashcard__language=language
        ).flashcard
        for front in ("hola", "adiós")
    ]
    ada_public = CatalogFactory(
        owner=ada, name="Animals", language=language, visibility=Catalog.Visibility.PUBLIC
    )
    cards.append(
        CatalogFlashcardFactory(
            catalog=ada_public, flashcard__front="gato", flashcard__language=language
        ).flashcard
    )
    cards.append(FlashcardFactory(owner=ada, front="suelto", language=language))
    CatalogShare.objects.create(catalog=ada_private, user=bob, role=Role.VIEWER)

    bob_private = CatalogFactory(owner=bob, name="Bob's secrets", language=language)
    bob_card = CatalogFlashcardFactory(
        catalog=bob_private, flashcard__front="secreto", flashcard__language=language
    ).flashcard
    CatalogShare.objects.create(catalog=bob_private, user=ada, role=Role.EDITOR)
    bob_copy = catalog_copy(catalog=ada_public, owner=bob)

    for card in cards[:3]:
        studied(ada, card, reviews=2)
    studied(ada, bob_card)
    studied(bob, cards[2])  # Ada's public card
    studied(bob, bob_copy.flashcards.get())
    studied(bob, bob_card)

    settings = study_settings_of(ada)
    settings.daily_new_limit = 7
    settings.save()
    settings.preferred_quiz_types.set(QuizType.objects.filter(code="typed"))
    ada.settings.theme = "dark"
    ada.settings.save()
    ParameterFit.objects.create(
        user=ada, status=ParameterFit.Status.DONE, reviews=400, kept=True, parameters=[0.4] * 21
    )
    return TwoLearners(ada, bob, ada_private, ada_public, cards, bob_private, bob_card, bob_copy)
