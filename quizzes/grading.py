"""Grading typed answers tolerantly, and turning an answer into an FSRS rating.

No database here; the answer service passes in what it knows (the learner's usual
response time, whether a hint was used).
"""

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from decks.markup import plain_text
from quizzes.models import Rating

RECALL_TYPES = frozenset({"typed", "reverse_typed"})
TYPED_TYPES = RECALL_TYPES
# Marks that only carry stress or accent and that learners leave out: acute and grave
# (Russian stress marks, French and Spanish accents), circumflex, diaeresis, tilde, cedilla,
# caron, ring, double acute, macron.
FOLDABLE_MARKS = frozenset(
    "\u0300\u0301\u0302\u0308\u0303\u0327\u030c\u030a\u030b\u0304"
    "\u0307"  # dot above: what case-folding "İ" (Turkish capital dotted I) leaves behind
)
FOLDABLE_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
# Cyrillic letters whose mark makes another letter (й is not и); ё is commonly written е.
KEEP_MARKED = frozenset("йЙ")
# Sentence punctuation around an answer, not symbols that are part of it (C++, C#, -1).
TRIM = ".,;:!?'\"()[]{}¡¿«»“”‘’„‚…·、。，．！？：；「」『』（）　 \t\n"
ALTERNATIVES_SEPARATOR = ";"


def _foldable(base: str) -> bool:
    name = unicodedata.name(base, "")
    return name.startswith(FOLDABLE_SCRIPTS)


def fold_accents(text: str) -> str:
    """Drop accent marks on Latin, Greek and Cyrillic letters; leave other scripts alone.

    A mark on kana (が) or in Hangul changes the word, so only alphabets whose accents
    learners leave out are folded.
    """
    out: list[str] = []
    for char in text:
        if char in KEEP_MARKED:
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        if marks and _foldable(base):
            kept = "".join(mark for mark in marks if mark not in FOLDABLE_MARKS)
            out.append(unicodedata.normalize("NFC", base + kept))
        elif not _foldable_mark_alone(char, out):
            out.append(char)
    return "".join(out)


def _foldable_mark_alone(char: str, out: list[str]) -> bool:
    """A combining stress mark typed on its own after a letter (молоко́ as о + U+0301)."""
    return char in FOLDABLE_MARKS and bool(out) and _foldable(out[-1][:1])


def normalize_answer(text: str) -> str:
    """The form typed answers are compared in: NFKC, case-folded, accents folded,
    surrounding punctuation and white space trimmed, inner white space collapsed."""
    text = fold_accents(unicodedata.normalize("NFKC", text).casefold())
    # An answer that is all punctuation ("?") keeps it rather than becoming empty.
    return " ".join((text.strip(TRIM) or text).split())


IDEOGRAPHIC_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")


def allowed_typos(expected: str) -> int:
    """How many edits still count as a typo: none for very short answers, then 1, then 2.

    In kana, hanzi and hangul one character is a syllable or a word, so one edit there
    is already another word unless the answer is long.
    """
    length = len(expected)
    if any(unicodedata.name(char, "").startswith(IDEOGRAPHIC_SCRIPTS) for char in expected):
        return 0 if length <= 4 else 1
    if length <= 3:
        return 0
    return 1 if length <= 8 else 2


@dataclass(frozen=True)
class Grade:
    correct: bool
    typo: bool = False
    expected: str = ""
    # What the learner typed against what was expected, in runs: ("same"|"missing"|"extra"|
    # "wrong", given text, expected text).
    diff: list[dict[str, str]] = field(default_factory=list)


def answer_diff(given: str, expected: str) -> list[dict[str, str]]:
    """The character difference between what was typed and the expected answer."""
    runs = []
    for op in Levenshtein.opcodes(given, expected):
        kind = {"equal": "same", "insert": "missing", "delete": "extra", "replace": "wrong"}[op.tag]
        runs.append(
            {
                "kind": kind,
                "given": given[op.src_start : op.src_end],
                "expected": expected[op.dest_start : op.dest_end],
            }
        )
    return runs


def grade_typed(given: str, expected: str) -> Grade:
    """Right, right with a typo, or wrong; any of `a; b` alternatives may be typed.

    The card's formatting is not typed: "漢字" answers <ruby>漢字<rt>かんじ</rt></ruby>."""
    typed = normalize_answer(given)
    text = plain_text(expected)
    alternatives = [
        option for option in (normalize_answer(part) for part in text.split(";")) if option
    ] or [normalize_answer(text)]
    if typed in alternatives:
        return Grade(correct=True, expected=expected)
    best = min(alternatives, key=lambda option: Levenshtein.distance(typed, option))
    distance = Levenshtein.distance(typed, best)
    # A number is right or wrong: 1985 is not a typo of 1984, wherever it stands.
    same_numbers = re.findall(r"\d+", typed) == re.findall(r"\d+", best)
    if typed and same_numbers and distance <= allowed_typos(best):
        return Grade(correct=True, typo=True, expected=expected, diff=answer_diff(typed, best))
    return Grade(correct=False, expected=expected, diff=answer_diff(typed, best))


def grade_choice(given: str, expected: str) -> Grade:
    """A choice is the chosen text itself; compared without markup, after the same
    normalisation."""
    correct = normalize_answer(plain_text(given)) == normalize_answer(plain_text(expected))
    return Grade(correct=correct, expected=expected)


# Without history of their own, how long a learner takes to answer, by quiz difficulty.
USUAL_RESPONSE_MS = {1: 4_000, 2: 6_000, 3: 9_000}
SLOW_FACTOR = 2.0
FAST_FACTOR = 0.6


def rating_for(
    *,
    grade: Grade,
    quiz_type: str,
    response_ms: int | None,
    usual_response_ms: float,
    hint_used: bool = False,
) -> Rating:
    """The spec's rules: wrong → Again; right with a hint, a typo or slowly → Hard;
    right → Good; right and fast on a recall type → Easy."""
    if not grade.correct:
        return Rating.AGAIN
    slow = response_ms is not None and response_ms > SLOW_FACTOR * usual_response_ms
    if hint_used or grade.typo or slow:
        return Rating.HARD
    fast = response_ms is not None and response_ms < FAST_FACTOR * usual_response_ms
    if fast and quiz_type in RECALL_TYPES:
        return Rating.EASY
    return Rating.GOOD
