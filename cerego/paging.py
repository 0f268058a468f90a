"""Paging without counting what need not be counted: a queryset whose length is already
known (`Counted`), and a first page shorter than a page, which is the whole list
(`Paginator`)."""

from collections.abc import Iterator
from typing import Any

from django.core import paginator
from django.db.models import Model, QuerySet


class Counted[M: Model]:
    """A queryset with its length known beforehand (a counter the database keeps), for
    Django's Paginator — and DRF's pagination, built on it — to skip their COUNT(*).
    Slicing and iterating read the queryset itself."""

    def __init__(self, queryset: QuerySet[M], count: int) -> None:
        self.queryset = queryset
        self._count = count

    @property
    def ordered(self) -> bool:  # read by Paginator, which warns about unordered lists
        return self.queryset.ordered

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key: Any) -> Any:
        return self.queryset[key]

    def __iter__(self) -> Iterator[M]:
        return iter(self.queryset)

    def values(self, *fields: str) -> "Counted[Any]":
        """The same rows as dictionaries of `fields` (as `QuerySet.values`), still counted."""
        return Counted(self.queryset.values(*fields), self._count)


class Paginator(paginator.Paginator):
    """Django's Paginator, reading the first page before counting: when it comes back
    shorter than a page, it is the whole list and its length the count, so a short list
    (most users' catalogs) costs one query rather than a COUNT(*) and the page."""

    def get_page(self, number: Any) -> paginator.Page:
        return self.page(1) if _first(number) else super().get_page(number)

    def page(self, number: Any) -> paginator.Page:
        if "count" in self.__dict__ or str(number) != "1" or self.orphans:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            if not (rows or self.allow_empty_first_page):
                return super().page(number)  # refused as ever
            self.__dict__["count"] = len(rows)  # the cached property, known without a query
        else:
            self.validate_number(1)  # a full page: the count says how many pages follow
        return paginator.Page(rows, 1, self)


def _first(number: Any) -> bool:
    """Whether `get_page` shows the first page for `number`: 1, or no whole number at all."""
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return True
