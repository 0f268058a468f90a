"""Paging through a queryset whose length is already known."""

from collections.abc import Iterator
from typing import Any

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
