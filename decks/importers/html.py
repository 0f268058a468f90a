"""Anki fields are HTML; cards are plain text. Reduce one to the other safely."""

import html
import re

import nh3

# Line-breaking elements become newlines before the tags are stripped, so
# "to eat<br><div>Yo como pan</div>" keeps its two lines.
_LINE_BREAKS = re.compile(r"<\s*(br|/?div|/?p|/?li|/?tr|/?h[1-6])\b[^>]*>", re.IGNORECASE)
_MEDIA = re.compile(r"<\s*(img|audio|video|object|embed)\b|\[sound:[^\]]*\]", re.IGNORECASE)
_SOUND = re.compile(r"\[sound:[^\]]*\]", re.IGNORECASE)
_SPACES = re.compile(r"[^\S\n]+")


def has_media(field: str) -> bool:
    return bool(_MEDIA.search(field))


def html_to_text(field: str, *, single_line: bool = False) -> str:
    """Plain text of an HTML field: tags and media gone, entities decoded, spaces tidied."""
    marked = _LINE_BREAKS.sub("\n", _SOUND.sub("", field))
    text = html.unescape(nh3.clean(marked, tags=set(), attributes={}))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    kept = [line for line in lines if line]
    return (" " if single_line else "\n").join(kept)
