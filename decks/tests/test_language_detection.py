import pytest

from decks.importers.language import detection_codes, language_detect

SEEDED = ["en", "en-gb", "es", "es-mx", "fr", "de", "ja", "pt", "pt-br", "ru", "zh-hans", "zh-hant"]


@pytest.mark.parametrize(
    ("fronts", "expected"),
    [
        (["el perro come", "la casa grande", "¿dónde está la biblioteca?"], "es"),
        (["le chat noir", "où est la gare ?", "je voudrais un café"], "fr"),
        (["der Hund", "wo ist der Bahnhof?", "ich möchte einen Kaffee"], "de"),
        (["собака", "где вокзал?", "я хотел бы кофе"], "ru"),
        (["食べる", "駅はどこですか", "コーヒーをください"], "ja"),
        (["o cachorro", "onde fica a estação?", "eu gostaria de um café"], "pt"),
    ],
)
def test_a_deck_gets_the_language_of_its_cards(fronts, expected):
    assert language_detect(fronts, languages=SEEDED) == expected


def test_only_seeded_languages_are_answered():
    # Italian is not among the candidates: the answer is one of them, or none.
    found = language_detect(["dov'è la stazione?", "vorrei un caffè"], languages=["en", "ru"])
    assert found in {"en", "ru", None}


def test_codes_map_to_the_seeded_variant():
    mapping = detection_codes(SEEDED)
    assert mapping["pt"] == "pt"  # the bare code over pt-br
    assert mapping["zh"] == "zh-hans"  # no bare zh seeded
    assert mapping["en"] == "en"
    assert detection_codes(["pt-br"]) == {"pt": "pt-br"}
    assert "xx" not in detection_codes(["xx", "es"])


def test_chinese_maps_to_a_seeded_code():
    assert language_detect(["我想喝咖啡", "火车站在哪里"], languages=SEEDED) == "zh-hans"


@pytest.mark.parametrize("fronts", [[], [""], ["  "], ["1", "2"], ["ab"]])
def test_too_little_text_asks_instead_of_guessing(fronts):
    assert language_detect(fronts, languages=SEEDED) is None


def test_no_known_candidates_detects_nothing():
    assert language_detect(["el perro come"], languages=["tlh"]) is None
