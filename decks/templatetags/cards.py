"""Showing card text: its formatting subset as HTML, or without it where HTML cannot go."""

from django import template
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
