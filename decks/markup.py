"""Card text and the little formatting it may hold.

Card text is plain text in which the exact tags <b> <i> <u> <sub> <sup> <ruby> <rt> <rp>
and their closing tags are markup, and a newline is a line break. Everything else is
literal text: "vector<int>", "AT&T" and "&amp;" are shown as typed. So a card without
markup is exactly what it was before formatting was kept, and one rule serves storing
(`sanitise`, `card_text_clean`), showing (`card_html`) and grading (`plain_text`).
Typed text that spells a subset tag is markup; one decoded from an HTML entity is not.
"""

import html
import re

import nh3

WORD_JOINER = "\u2060"
TAGS = frozenset({"b", "i", "u", "sub", "sup", "ruby", "rt", "rp"})
_MARKUP = re.compile(r"</?(?:b|i|u|sub|sup|ruby|rt|rp)>")
_MARKUP_SPLIT = re.compile(f"({_MARKUP.pattern})")
# A ruby's reading and its fallback parentheses: 漢字<rt>かんじ</rt> is graded as 漢字.
_READING = re.compile(r"<(rt|rp)>.*?</\1>", re.DOTALL)

# Line-breaking elements become newlines before the tags are cleaned, so
# "to eat<br><div>Yo como pan</div>" keeps its two lines.
_LINE_BREAKS = re.compile(r"<\s*(br|/?div|/?p|/?li|/?tr|/?h[1-6])\b[^>]*>", re.IGNORECASE)
_SYNONYMS = re.compile(r"<(/?)(strong|em)\b[^>]*>", re.IGNORECASE)
_MEDIA = re.compile(r"<\s*(img|audio|video|object|embed)\b|\[sound:[^\]]*\]", re.IGNORECASE)
_SOUND = re.compile(r"\[sound:[^\]]*\]", re.IGNORECASE)
_SPACES = re.compile(r"[^\S\n]+")

# In typed text a `<` opens a tag only when an HTML element follows, and a subset tag
# only bare or with real attributes (`name=`), so "a<b and c>d", "vector<int>" and "x<y"
# stay text.
_HTML_ELEMENTS = frozenset(
    " ".join(
        (
            "a abbr address area article aside audio base bdi bdo big blink blockquote body",
            "br button canvas caption center cite code col colgroup data datalist dd del",
            "details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer",
            "form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input",
            "ins kbd label legend li link main map mark marquee math menu meta meter nav",
            "noscript object ol optgroup option output p param picture pre progress q s samp",
            "script search section select slot small source span strike strong style summary",
            "svg table tbody td template textarea tfoot th thead time title tr track tt ul var",
            "video wbr",
        )
    ).split()
)
_TYPED_TAG = re.compile(
    r"<(?:/?(?:b|i|u|sub|sup|ruby|rt|rp)(?:\s+[\w-]+\s*=[^<>]*)?|br\s*/?)>"
    r"|</?([a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)


def has_media(field: str) -> bool:
    return bool(_MEDIA.search(field))


def _subset_html(markup: str) -> str:
    """`markup` as HTML holding only the subset's tags, bare, and newlines for blocks."""
    marked = _LINE_BREAKS.sub("\n", markup)
    marked = _SYNONYMS.sub(lambda m: f"<{m[1]}{'b' if m[2].lower() == 'strong' else 'i'}>", marked)
    return nh3.clean(marked, tags=set(TAGS), attributes={})


def _literal(text: str) -> str:
    """Decoded text that spells a subset tag (`&lt;b&gt;`) kept from reading as one: a word
    joiner after its `<` shows nothing and breaks the match; `plain_text` drops it."""
    return _MARKUP.sub(lambda tag: f"<{WORD_JOINER}{tag[0][1:]}", html.unescape(text))


def _html_to_card_text(subset_html: str) -> str:
    """Entities decoded in the text between the subset's tags."""
    return "".join(
        part if _MARKUP.fullmatch(part) else _literal(part)
        for part in _MARKUP_SPLIT.split(subset_html)
    )


# What nh3 and the entity decoding would change in a field: tags, entities, and what an
# HTML parser itself rewrites (NUL dropped, CR made a newline, a leading BOM dropped).
_NOT_PLAIN = re.compile(r"[<&\x00\r]|^\ufeff")


def sanitise(field: str, *, single_line: bool = False) -> str:
    """Card text of an HTML field (Anki's): the subset kept, other tags, media and sounds
    gone, entities decoded, spaces tidied, blank lines dropped."""
    text = _SOUND.sub("", field)
    # Most fields hold no markup, and parsing them as HTML (nh3) gives them back as they
    # are: it was most of reading a package (docs/performance.md, "Anki import").
    if _NOT_PLAIN.search(text):
        text = _html_to_card_text(_subset_html(text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    kept = [line for line in lines if line]
    return (" " if single_line else "\n").join(kept)


def _typed_to_html(text: str) -> str:
    """Typed card text as HTML: every `&` and every `<` that opens no tag escaped."""
    out: list[str] = []
    last = 0
    for match in _TYPED_TAG.finditer(text):
        name = match[1]
        if name is not None and name.lower() not in _HTML_ELEMENTS:
            continue
        out += [html.escape(text[last : match.start()], quote=False), match[0]]
        last = match.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def card_text_clean(text: str) -> str:
    """Typed card text (web form, API, CSV) in its stored form: the subset's tags
    normalised (<strong> is <b>, <br> a newline), other HTML reduced to its text, the
    rest untouched. Text without `<` comes back as it is."""
    if "<" not in text:
        return text
    return _html_to_card_text(_subset_html(_typed_to_html(text)))


def plain_text(text: str) -> str:
    """Card text without its markup, and without ruby readings: what answers are graded,
    duplicates found and languages detected on."""
    if "<" not in text:
        return text
    return _MARKUP.sub("", _READING.sub("", text)).replace(WORD_JOINER, "")


def card_html(text: str) -> str:
    """Safe HTML of stored card text: only the subset's bare tags count as markup, all else
    is escaped, so even hostile text written to the database past the services shows as
    text; newlines become <br>."""
    if "<" not in text:  # most cards: no markup to keep, nothing for nh3 to balance
        return html.escape(text, quote=False).replace("\n", "<br>")
    escaped = "".join(
        part if _MARKUP.fullmatch(part) else html.escape(part, quote=False)
        for part in _MARKUP_SPLIT.split(text)
    )
    return nh3.clean(escaped, tags=set(TAGS), attributes={}).replace("\n", "<br>")
