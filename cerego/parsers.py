"""Request parsers, apart from cerego.api: DRF reads its parser setting while importing its
views, which cerego.api imports (a parser there would be a circular import)."""

from collections.abc import Mapping
from typing import Any

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's parser, with a 400 for a body nested too deep for Python's json module: that is
    a RecursionError, which DRF (catching ValueError) would let through as a 500."""

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Mapping | None = None
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None
