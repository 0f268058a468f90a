"""Showing card text: its formatting subset as HTML, or without it where HTML cannot go."""

import html
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import template
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from cerego.templatetags.links import url_for, url_pattern
from decks.markup import card_html, plain_text
from decks.models import Flashcard

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
    return SafeString(_speak(str(text), conditional_escape(lang)))


def _speak(text: str, lang: str) -> str:
    """The button of `speak`, for `lang` escaped already."""
    said = html.escape(plain_text(text))
    return (
        f'<button type="button" class="speak secondary outline" data-speak="{said}"'
        f' data-lang="{lang}" hidden aria-label="Listen to “{said}”" title="Listen">🔊</button>'
    )


# --- A catalog page's rows of cards -------------------------------------------------------
# A page shows 50 rows. Written in the template language, a row cost about 70 µs of
# lookups, filters and tags, 3.5 ms a page; formatted here, a fraction of that. The markup
# is the row the template wrote before (`catalog_detail.html#card-row` calls `card_row`
# for the single rows htmx swaps in): every value escaped as `{{ }}` would, card text
# through `card_text`, attributes through `html.escape` of the plain text.

_ROW = (
    '<tr id="card-{pk}">\n'
    '  <td lang="{lang}"{rtl}>{front} {speak}</td>\n'
    "  <td>{back}</td>\n"
    "  <td>{hint}</td>{actions}\n"
    "</tr>"
)
_ACTIONS = (
    '\n  <td><div class="card-actions">\n'
    '    <a href="{edit}" hx-get="{edit}"\n'
    '       hx-target="#card-{pk}" hx-swap="outerHTML"{autofocus}>Edit</a>{share}\n'
    '    <form method="get" action="{remove}"\n'
    '          hx-post="{remove}" hx-target="#card-{pk}" hx-swap="outerHTML"\n'
    '          hx-confirm="Remove “{plain}” from this catalog?">\n'
    '      <button type="submit" class="secondary outline">Remove</button>\n'
    "    </form>\n"
    "  </div></td>"
)


# What a row shows of a card, read as values: 50 model instances and their languages
# built for a page cost more than writing the rows (`catalogs.detail_context`).
CARD_ROW_FIELDS = ("pk", "front", "back", "hint", "owner_id", "language__code", "language__bidi")


def card_row_values(card: Flashcard) -> dict[str, Any]:
    """What `CARD_ROW_FIELDS` read, from a card already loaded (one row htmx swaps in)."""
    language = card.language
    return {
        "pk": card.pk,
        "front": card.front,
        "back": card.back,
        "hint": card.hint,
        "owner_id": card.owner_id,
        "language__code": language.code,
        "language__bidi": language.bidi,
    }


class _Rows:
    """What every row of one page shares, worked out once: the editor's controls
    (`may_edit`) and their link patterns for `catalog`, the user's id (for the Share link
    of their own cards), focus on Edit (`back_from_edit`), and each language's attributes."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.editing = bool(context.get("may_edit"))
        self.user = getattr(context.get("user"), "pk", None)
        self.autofocus = " autofocus" if context.get("back_from_edit") else ""
        self.languages: dict[tuple[str, bool], tuple[str, str]] = {}
        if self.editing:
            self.catalog = context["catalog"].pk
            self.edit = self._link("decks:card-edit", 2)
            self.remove = self._link("decks:card-remove", 2)
            self.share = self._link("decks:flashcard-share", 1)

    def _link(self, view_name: str, arguments: int) -> Callable[..., str]:
        """The escaped URL of `view_name` as a function of its ids."""
        pattern, safe, _ = url_pattern(self.context, view_name, arguments)
        if pattern is not None and safe:
            return pattern.format
        return lambda *ids: conditional_escape(url_for(self.context, view_name, *ids))

    def language(self, code: str, bidi: bool) -> tuple[str, str]:
        """A card language's `lang` (escaped) and `dir` attributes."""
        found = self.languages.get((code, bidi))
        if found is None:
            rtl = ' dir="rtl"' if bidi else ""
            found = self.languages[code, bidi] = (conditional_escape(code), rtl)
        return found

    def row(self, card: Mapping[str, Any]) -> str:
        """The row of `card` (its `CARD_ROW_FIELDS`) as `catalog_detail.html` shows it."""
        pk, front = card["pk"], card["front"]
        lang, rtl = self.language(card["language__code"], card["language__bidi"])
        actions = ""
        if self.editing:
            share = ""
            if card["owner_id"] == self.user:
                share = f'\n    <a href="{self.share(pk)}">Share</a>'
            actions = _ACTIONS.format(
                pk=pk,
                edit=self.edit(self.catalog, pk),
                remove=self.remove(self.catalog, pk),
                share=share,
                autofocus=self.autofocus,
                plain=html.escape(plain_text(front)),
            )
        return _ROW.format(
            pk=pk,
            lang=lang,
            rtl=rtl,
            front=card_html(front),
            speak=_speak(front, lang),
            back=card_html(card["back"]),
            hint=card_html(card["hint"]),
            actions=actions,
        )


@register.simple_tag(takes_context=True)
def card_row(context: Context, card: Flashcard) -> SafeString:
    """One card's row of a catalog page (see `_Rows`)."""
    return SafeString(_Rows(context).row(card_row_values(card)))


@register.simple_tag(takes_context=True)
def card_rows(context: Context, cards: Iterable[Mapping[str, Any]]) -> SafeString:
    """The rows of a catalog page's cards, read as `CARD_ROW_FIELDS` (see `_Rows`), one a
    line."""
    rows = _Rows(context)
    return SafeString("\n".join(rows.row(card) for card in cards))
