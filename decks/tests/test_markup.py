import random
import re

import pytest
from django.template import Context, Template

from decks import markup
from decks.markup import card_html, card_text_clean, plain_text, sanitise


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("<b>bold</b> and <i>italic</i>", "<b>bold</b> and <i>italic</i>"),
        ("<strong>s</strong> <EM>e</EM> <U>u</U>", "<b>s</b> <i>e</i> <u>u</u>"),
        ("line one<br>line two<br/>three", "line one\nline two\nthree"),
        ("<ruby>漢字<rt>かんじ</rt></ruby>", "<ruby>漢字<rt>かんじ</rt></ruby>"),
        ("<b>unclosed", "<b>unclosed</b>"),
        ("<script>alert(1)</script>cat", "cat"),
        ('<img src="x" onerror="alert(1)">cat', "cat"),
        ('<a href="javascript:alert(1)">cat</a>', "cat"),
        ('<span style="color:red">cat</span>', "cat"),
    ],
)
def test_typed_html_keeps_the_subset_only(typed, stored):
    assert card_text_clean(typed) == stored


@pytest.mark.parametrize(
    "text",
    ["vector<int>", "a<b and c>d", "1 < 2 > 0", "AT&T", "a &amp; b", "C++  and\n\nC#", "x<y"],
)
def test_text_that_is_not_html_is_kept_as_typed(text):
    assert card_text_clean(text) == text
    assert plain_text(text) == text


def test_plain_text_drops_markup_and_ruby_readings():
    assert plain_text("<b>bold</b> <i>x</i>") == "bold x"
    assert plain_text("<ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp>字<rt>じ</rt></ruby>") == "漢字"


def test_card_html_shows_the_subset_and_escapes_everything_else():
    assert card_html("<b>bold</b>\nH<sub>2</sub>O") == "<b>bold</b><br>H<sub>2</sub>O"
    assert card_html("vector<int> & <script>x</script>") == (
        "vector&lt;int&gt; &amp; &lt;script&gt;x&lt;/script&gt;"
    )


@pytest.mark.parametrize(
    "hostile",
    [
        '<b onclick="alert(1)">x</b>',
        "<b\tonclick=alert(1)>x</b>",
        '<ruby title="t">x</ruby>',
        '<img src=x onerror="alert(1)">',
        "<svg/onload=alert(1)>",
        "<b><i>x</b>",
    ],
)
def test_card_html_never_lets_an_attribute_or_other_tag_through(hostile):
    tags = re.findall(r"<[^>]*>", card_html(hostile))
    assert all(re.fullmatch(r"</?(b|i|u|sub|sup|ruby|rt|rp)>|<br>", tag) for tag in tags)


def test_the_template_filters_show_formatting_or_plain_text():
    template = Template("{% load cards %}<p>{{ t|card_text }}</p><p title='{{ t|card_plain }}'>")

    shown = template.render(Context({"t": "<ruby>漢字<rt>かんじ</rt></ruby>\n<b x=1>y</b>'"}))

    assert shown == (
        "<p><ruby>漢字<rt>かんじ</rt></ruby><br>&lt;b x=1&gt;y'</p>"
        "<p title='漢字\n&lt;b x=1&gt;y&#x27;'>"
    )


def test_the_speak_button_says_the_plain_text_escaped_as_the_include_did():
    hostile = '<b>"x"</b> & <script>'
    tag = Template("{% load cards %}{% speak t lang %}")
    include = Template('{% include "_partials/speak.html" with text=t lang=lang %}')

    shown = tag.render(Context({"t": hostile, "lang": 'e"s'}))

    assert shown == (
        '<button type="button" class="speak secondary outline"'
        ' data-speak="&quot;x&quot; &amp; &lt;script&gt;" data-lang="e&quot;s" hidden'
        ' aria-label="Listen to “&quot;x&quot; &amp; &lt;script&gt;”" title="Listen">🔊</button>'
    )
    assert include.render(Context({"t": hostile, "lang": 'e"s'})).strip() == shown


def _sanitise_through_html(field: str, *, single_line: bool = False) -> str:
    """`sanitise` as it was before plain fields skipped nh3: every field parsed as HTML."""
    text = markup._html_to_card_text(markup._subset_html(markup._SOUND.sub("", field)))
    lines = (markup._SPACES.sub(" ", line).strip() for line in text.splitlines())
    return (" " if single_line else "\n").join(line for line in lines if line)


def test_a_field_without_markup_is_cleaned_as_parsing_it_as_html_would():
    pieces = list("ab >\"'=/;#\t\n\x0b\x0c\x1c\x85\u2028\u00a0\u3000\ufeff\u200b[]é\x01\x7f")
    pieces += ["[sound:a.mp3]", "\r\n", "\r", "\x00", "&", "&amp;", "<b>", "<br>", "\ufeff"]
    generator = random.Random(13)
    for _ in range(3000):
        field = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 12)))
        for single_line in (False, True):
            assert sanitise(field, single_line=single_line) == _sanitise_through_html(
                field, single_line=single_line
            ), repr(field)
