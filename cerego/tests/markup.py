"""What a browser would run in a page: its scripts, inline event handlers and script URLs.

Read with the standard library's HTML parser, as a browser tokenises a page, so an escaped
`&lt;script&gt;` stays text and a real `<script>` is an element, whatever the spelling.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Attributes whose value a browser follows as a URL (and so would run as `javascript:`).
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
# Script types a browser does not run: data islands such as Django's json_script.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# Browsers drop these from a URL before reading its scheme (" java\tscript:" runs too).
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


@dataclass
class Script:
    attrs: dict[str, str | None]
    text: str = ""

    @property
    def runs(self) -> bool:
        return (self.attrs.get("type") or "").lower() not in DATA_SCRIPT_TYPES

    def allowed_by(self, nonce: str | None) -> bool:
        """Whether `script-src 'self' 'nonce-…'` lets this script run."""
        src = self.attrs.get("src") or ""
        on_this_site = src.startswith("/") and not src.startswith(("//", "/\\"))
        return on_this_site or (nonce is not None and self.attrs.get("nonce") == nonce)


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[Script] = []
        self.handlers: list[str] = []  # "img onerror=…"
        self.script_urls: list[str] = []  # "a href=javascript:…"
        self.htmx: list[str] = []  # "b hx-get=…": htmx acts on these in swapped-in content
        self.tags: list[str] = []
        self.text = ""  # what the page says, entities decoded, scripts included
        self.values: list[str] = []  # what its form fields hold (`value` attributes)
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "value" and value:
                self.values.append(value)
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}={value}")
            if name.startswith(("hx-", "data-hx-")):
                self.htmx.append(f"{tag} {name}={value}")
            scheme = _IGNORED_IN_SCHEME.sub("", value or "").lower()
            if name in URL_ATTRIBUTES and scheme.startswith(("javascript:", "vbscript:")):
                self.script_urls.append(f"{tag} {name}={value}")
        if tag == "script":
            self.scripts.append(Script(dict(attrs)))
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1].text += data
        self.text += data


def parse(html: str | bytes) -> Page:
    page = Page()
    page.feed(html.decode() if isinstance(html, bytes) else html)
    page.close()
    return page
