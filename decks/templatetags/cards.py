"""Showing card text: its formatting subset as HTML, or without it where HTML cannot go."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from decks.markup import card_html, plain_text

register = template.Library()


@register.filter
def card_text(text: str) -> SafeString:
    """Card text as safe HTML for an element's content (not an attribute: quotes are left
    as they are): bold, ruby and the rest shown, everything else escaped."""
    return mark_safe(card_html(str(text)))  # noqa: S308 - card_html escapes all but the subset


@register.filter
def card_plain(text: str) -> str:
    """Card text without markup, for titles, attributes and speech (autoescaped)."""
    return plain_text(str(text))


@register.simple_tag
def speak(text: str, lang: str) -> SafeString:
    """A pronunciation button, hidden until static/js/study.js finds a voice for `lang`.
    A tag rather than an include (`_partials/speak.html` calls it too): a catalog page
    shows one on each of its 50 rows."""
    said = plain_text(str(text))
    return format_html(
        '<button type="button" class="speak secondary outline" data-speak="{}" data-lang="{}"'
        ' hidden aria-label="Listen to “{}”" title="Listen">🔊</button>',
        said,
        lang,
        said,
    )
