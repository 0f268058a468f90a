"""Telling the language of a deck from its cards, offline, among the languages cards may have.

py3langid knows about 97 languages by their ISO 639-1 codes; the seeded languages
(decks.services.languages) are Django's, some with a region or script (`pt-br`,
`zh-hans`). Detection is restricted to the seeded languages py3langid knows, and its
answer mapped back to a seeded code. Too little text, or an unsure answer, gives None:
the caller then asks the learner (or uses a language it was given).
"""

from collections.abc import Collection, Iterable
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this many letters in all the texts together, any answer is a guess.
MIN_LETTERS = 4
MIN_CONFIDENCE = 0.6
# A deck's language shows in its first few hundred cards; reading more only costs time.
SAMPLE_TEXTS = 300
# Where py3langid's code has several seeded variants and none is the bare code.
PREFERRED_VARIANT = {"zh": "zh-hans"}


def detection_codes(languages: Collection[str]) -> dict[str, str]:
    """{py3langid code: seeded code} for the seeded `languages` py3langid can detect.

    The bare code wins (`pt` over `pt-br`), then PREFERRED_VARIANT, then the first variant
    in alphabetical order.
    """
    known = set(_identifier(None).nb_classes)
    mapping: dict[str, str] = {}
    for code in sorted(code.lower() for code in languages):
        base = code.split("-", 1)[0]
        if base not in known:
            continue
        current = mapping.get(base)
        preferred = current != base and PREFERRED_VARIANT.get(base) == code
        if current is None or code == base or preferred:
            mapping[base] = code
    return mapping


def language_detect(texts: Iterable[str], *, languages: Collection[str]) -> str | None:
    """The seeded code of the language `texts` are written in, or None when unsure.

    `texts` are plain text (markup taken off), typically the fronts of a deck's cards.
    """
    sample: list[str] = []
    for text in texts:
        if text.strip():
            sample.append(text)
        if len(sample) >= SAMPLE_TEXTS:
            break
    joined = "\n".join(sample)
    if sum(char.isalpha() for char in joined) < MIN_LETTERS:
        return None
    mapping = detection_codes(languages)
    if not mapping:
        return None
    found, confidence = _identifier(frozenset(mapping)).classify(joined)
    if float(confidence) < MIN_CONFIDENCE:
        return None
    return mapping.get(found)


@cache
def _identifier(codes: frozenset[str] | None) -> LanguageIdentifier:
    """One identifier per set of candidates: `set_languages` changes the identifier."""
    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    if codes is not None:
        identifier.set_languages(sorted(codes))
    return identifier
