"""Showing card text: its formatting subset as HTML, or without it where HTML cannot go."""

import html

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from decks.markup import card_html, plain_text

register = template.Library()


@register.filter
def card_text(text: str) -> SafeString:
    """Card text as safe HTML for an element's content (not an attribute: quotes are left
    as they are): bold, ruby and the rest shown, everything else escaped."""
    return SafeString(card_html(str(text)))  # card_html escapes all but the subset


@register.filter
def card_plain(text: str) -> str:
    """Card text without markup, for titles, attributes and speech (autoescaped)."""
    return plain_text(str(text))


@register.simple_tag
def speak(text: str, lang: str) -> SafeString:
    """A pronunciation button, hidden until static/js/study.js finds a voice for `lang`.
    A tag rather than an include (`_partials/speak.html` calls it too): a catalog page
    shows one on each of its 50 rows. (Escaped as `{{ }}` would, by hand: format_html
    costs more than the rest of the button.)"""
    said, lang = html.escape(plain_text(str(text))), conditional_escape(lang)
    return SafeString(
        f'<button type="button" class="speak secondary outline" data-speak="{said}"'
        f' data-lang="{lang}" hidden aria-label="Listen to “{said}”" title="Listen">🔊</button>'
    )
