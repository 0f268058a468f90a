"""Development data for decks: catalogs of the demo learners in several languages."""

from django.db import transaction

from accounts.models import User
from decks.models import Catalog, Language, Role, normalize_front
from decks.services.catalogs import catalog_create
from decks.services.flashcards import flashcard_create
from decks.services.languages import languages_seed
from decks.services.sharing import share_create

# (owner, name, language, visibility, description, [(front, back, hint)], [(user, role)])
DEMO_CATALOGS = [
    (
        "alice",
        "Spanish basics",
        "es",
        Catalog.Visibility.PUBLIC,
        "Everyday words to get by in Spanish.",
        [
            ("hola", "hello", ""),
            ("adiós", "goodbye", ""),
            ("gracias", "thank you", ""),
            ("por favor", "please", ""),
            ("el gato", "the cat", "a pet that purrs"),
            ("el perro", "the dog", ""),
            ("la casa", "the house", ""),
            ("el agua", "the water", "feminine, but takes 'el'"),
        ],
        [],
    ),
    (
        "alice",
        "Spanish verbs",
        "es",
        Catalog.Visibility.PRIVATE,
        "Irregular verbs I keep forgetting.",
        [("ser", "to be (permanent)", ""), ("estar", "to be (temporary)", ""), ("ir", "to go", "")],
        [("bruno", Role.EDITOR), ("chen", Role.VIEWER)],
    ),
    (
        "bruno",
        "Français du quotidien",
        "fr",
        Catalog.Visibility.PUBLIC,
        "French for the café and the market.",
        [
            ("bonjour", "good morning", ""),
            ("merci", "thank you", ""),
            ("l'addition", "the bill", "at the restaurant"),
            ("le marché", "the market", ""),
            ("la boulangerie", "the bakery", ""),
        ],
        [],
    ),
    (
        "bruno",
        "Faux amis",
        "fr",
        Catalog.Visibility.UNLISTED,
        "French words that do not mean what they look like.",
        [("actuellement", "currently", "not 'actually'"), ("la librairie", "the bookshop", "")],
        [],
    ),
    (
        "chen",
        "日本語の挨拶",
        "ja",
        Catalog.Visibility.PUBLIC,
        "Japanese greetings.",
        [
            ("こんにちは", "hello", "konnichiwa"),
            ("ありがとう", "thank you", "arigatō"),
            ("さようなら", "goodbye", "sayōnara"),
        ],
        [],
    ),
    (
        "chen",
        "German numbers",
        "de",
        Catalog.Visibility.PRIVATE,
        "",
        [("eins", "one", ""), ("zwei", "two", ""), ("drei", "three", "")],
        [("alice", Role.VIEWER)],
    ),
]


@transaction.atomic
def demo_catalogs_load() -> int:
    """Create the demo catalogs, cards and shares that are missing; returns the number of
    demo catalogs. Safe to run again. Catalogs of missing demo learners are skipped."""
    users = {user.username: user for user in User.objects.filter(username__in=_owners())}
    codes = {row[2] for row in DEMO_CATALOGS}
    if Language.objects.filter(code__in=codes).count() < len(codes):
        languages_seed()  # init_db normally did; a bare development database has none yet
    languages = {language.code: language for language in Language.objects.filter(code__in=codes)}
    for owner, name, code, visibility, description, cards, shares in DEMO_CATALOGS:
        if owner not in users:
            continue
        catalog = Catalog.objects.filter(owner=users[owner], name=name).first()
        if catalog is None:
            catalog = catalog_create(
                owner=users[owner],
                name=name,
                description=description,
                visibility=visibility,
                language=languages[code],
            )
        present = set(catalog.memberships.values_list("front_normalized", flat=True))
        for front, back, hint in cards:
            if normalize_front(front) not in present:
                flashcard_create(
                    owner=users[owner], catalog=catalog, front=front, back=back, hint=hint
                )
        for username, role in shares:
            if username in users:
                share_create(shared=catalog, user_ref=username, role=role, by=users[owner])
    return len(DEMO_CATALOGS)


def _owners() -> set[str]:
    return {row[0] for row in DEMO_CATALOGS} | {
        username for row in DEMO_CATALOGS for username, _ in row[6]
    }
