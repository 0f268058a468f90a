"""Typed answers are graded tolerantly, in the learner's language and script."""

import pytest

from quizzes.grading import Grade, grade_choice, grade_typed, normalize_answer, rating_for
from quizzes.models import Rating


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # Spanish: accents, case, inverted punctuation
        ("arbol", "árbol"),
        ("¿Qué tal?", "que tal"),
        ("  El Niño ", "el niño"),
        ("nino", "niño"),
        # French: accents and cedilla
        ("ca va", "ça va"),
        ("Ecole", "école"),
        ("naive", "naïve"),
        # German: umlauts and sharp s
        ("Strasse", "Straße"),
        ("mude", "müde"),
        # Russian: stress marks and ё
        ("молоко", "молоко́"),
        ("елка", "ёлка"),
        ("ПРИВЕТ", "привет"),
        # Japanese: full-width forms are the same text
        ("ｶﾞｯｺｳ", "ガッコウ"),
        ("がっこう", "がっこう"),
        # alternatives
        ("the dog", "a dog; the dog"),
        # the card's formatting is not typed, nor a ruby's reading
        ("bold", "<b>bold</b>"),
        ("漢字", "<ruby>漢字<rt>かんじ</rt></ruby>"),
        ("H2O", "H<sub>2</sub>O"),
        ("the cat", "<i>a</i> cat; <b>the</b> cat"),
    ],
)
def test_right_answers_are_recognised_whatever_the_accents_case_or_punctuation(typed, expected):
    grade = grade_typed(typed, expected)

    assert grade.correct
    assert not grade.typo


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("arbl", "árbol"),
        ("bibliotecca", "biblioteca"),
        ("l'ecol", "l'école"),
        ("Schmeterling", "Schmetterling"),
        ("Krankenhuas", "Krankenhaus"),
        ("спсибо", "спасибо"),
        ("ありがとうございす", "ありがとうございます"),
    ],
)
def test_a_small_typo_is_right_but_marked_with_the_difference(typed, expected):
    grade = grade_typed(typed, expected)

    assert grade.correct
    assert grade.typo
    assert any(run["kind"] != "same" for run in grade.diff)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("gato", "perro"),
        ("sol", "sal"),  # short words: one letter is another word
        ("Haus", "Häuser"),
        ("かっこう", "がっこう"),  # a dakuten is another word (cuckoo, not school)
        ("字校", "学校"),
        ("мал", "мол"),
        ("", "perro"),
    ],
)
def test_wrong_answers_are_wrong(typed, expected):
    assert not grade_typed(typed, expected).correct


def test_the_ruby_reading_alone_is_not_the_answer():
    assert not grade_typed("かんじ", "<ruby>漢字<rt>かんじ</rt></ruby>").correct


def test_a_choice_is_compared_without_its_markup():
    assert grade_choice("<b>gato</b>", "gato").correct
    assert not grade_choice("<b>perro</b>", "gato").correct


def test_a_diff_shows_what_was_missing():
    grade = grade_typed("bibloteca", "biblioteca")

    assert grade.typo
    assert {"kind": "missing", "given": "", "expected": "i"} in grade.diff


def test_script_marks_that_change_meaning_are_kept():
    assert normalize_answer("が") != normalize_answer("か")
    assert normalize_answer("й") != normalize_answer("и")
    assert normalize_answer("é") == normalize_answer("e")


RIGHT = Grade(correct=True)


@pytest.mark.parametrize(
    ("grade", "quiz_type", "response_ms", "hint", "rating"),
    [
        (Grade(correct=False), "typed", 1000, False, Rating.AGAIN),
        (RIGHT, "multiple_choice", 3000, False, Rating.GOOD),
        (RIGHT, "multiple_choice", 500, False, Rating.GOOD),  # fast recognition is just Good
        (RIGHT, "typed", 1000, False, Rating.EASY),  # fast recall
        (RIGHT, "typed", 5000, False, Rating.GOOD),
        (RIGHT, "typed", 20_000, False, Rating.HARD),  # slow against the learner's pace
        (RIGHT, "typed", 5000, True, Rating.HARD),  # with a hint
        (Grade(correct=True, typo=True), "typed", 1000, False, Rating.HARD),
    ],
)
def test_ratings_follow_the_spec(grade, quiz_type, response_ms, hint, rating):
    assert (
        rating_for(
            grade=grade,
            quiz_type=quiz_type,
            response_ms=response_ms,
            usual_response_ms=5000,
            hint_used=hint,
        )
        == rating
    )


@pytest.mark.parametrize(
    ("typed", "expected", "correct", "typo"),
    [
        ("1985", "1984", False, False),  # a number is right or wrong, never a typo
        ("istanbul", "İstanbul", True, False),  # case-folding İ leaves a dot above
        ("", "?", False, False),  # an answer of punctuation is not an empty one
        ("?", "?", True, False),
        ("c", "C++", False, False),  # symbols inside an answer are part of it
        ("c++", "C++", True, False),
    ],
)
def test_numbers_symbols_and_dotted_capitals(typed, expected, correct, typo):
    grade = grade_typed(typed, expected)

    assert (grade.correct, grade.typo) == (correct, typo)
