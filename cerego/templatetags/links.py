"""`{% url_for %}`: `{% url %}` reversed once per view name, for the links of a long list
and of the menu every page shows.

Django's `{% url %}` reverses on every use: about 40 µs, so a page of 50 rows with three
links each spent a quarter of its time there. `url_for` reverses a view's URL once, with
placeholder ids, and formats each row's ids into it; what it writes is what `{% url %}`
writes. Only whole-number arguments take the short way (ids in `<int:…>` paths); any
other falls back to `reverse`.
"""

from functools import lru_cache

from django import template
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

register = template.Library()

# Placeholders of one length, so that none is part of another, and too long to be an id.
_PLACEHOLDERS = tuple(str(10**18 + position) for position in range(8))


@lru_cache(maxsize=256)
def url_format(
    view_name: str, arguments: int, current_app: str | None, urlconf: str | None, prefix: str
) -> str | None:
    """The URL of `view_name` as a `str.format` pattern of its positional arguments, or
    None if its path does not hold each once. (`urlconf` and `prefix` are part of the
    key: the same name reverses differently under another.)"""
    if arguments > len(_PLACEHOLDERS):
        return None
    placeholders = _PLACEHOLDERS[:arguments]
    url = reverse(view_name, args=placeholders, urlconf=urlconf, current_app=current_app)
    pattern = url.replace("{", "{{").replace("}", "}}")
    for position, placeholder in enumerate(placeholders):
        if pattern.count(placeholder) != 1:
            return None
        pattern = pattern.replace(placeholder, f"{{{position}}}")
    return pattern


def _current_app(context: Context) -> str | None:
    """The namespace `{% url %}` reverses in: the request's, as Django's tag finds it."""
    request = getattr(context, "request", None)
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return current_app


def url_pattern(
    context: Context, view_name: str, arguments: int
) -> tuple[str | None, bool, str | None]:
    """The `str.format` pattern of `view_name`'s URL with `arguments` whole numbers in this
    render (None if its path does not take them so), whether escaping leaves it as it is
    (an id path: no `&` or `'`), and the namespace it reverses in. Known once per render:
    its request's namespace, urlconf and prefix hold."""
    known: dict = context.__dict__.setdefault("_url_for_patterns", {})
    key = (view_name, arguments)
    if key not in known:
        current_app = _current_app(context)
        pattern = url_format(view_name, arguments, current_app, get_urlconf(), get_script_prefix())
        safe = pattern is not None and conditional_escape(pattern) == pattern
        known[key] = (pattern, safe, current_app)
    return known[key]


@register.simple_tag(takes_context=True)
def url_for(context: Context, view_name: str, *args: object) -> str:
    """`{% url view_name arg … %}` (also `as name`), at the cost of a `str.format` once
    the view's URL is known. A URL that escaping leaves unchanged (an id path: no `&` or
    `'`) comes marked safe, so that showing it escapes nothing again."""
    if not all(type(arg) is int and arg >= 0 for arg in args):
        return reverse(view_name, args=args, current_app=_current_app(context))
    pattern, safe, current_app = url_pattern(context, view_name, len(args))
    if pattern is None:
        return reverse(view_name, args=args, current_app=current_app)
    url = pattern.format(*args)
    return SafeString(url) if safe else url  # escaping would not change it
