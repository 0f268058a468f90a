"""What quizzes does when the apps below it announce something (connected in apps.py).

Receivers only translate a signal into a service call: the work and its rules are in the
service, where a direct caller gets the same behaviour.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from accounts.models import User
from decks.signals import HistoryCounts, ImportedReview
from quizzes.services.history import review_history_import


def review_history_record(
    sender: Any,
    *,
    owner: User,
    histories: Mapping[int, Sequence[ImportedReview]],
    **kwargs: Any,
) -> HistoryCounts:
    """decks.signals.review_history_imported: an import brought a review history."""
    result = review_history_import(user=owner, histories=histories)
    return HistoryCounts(imported=result.imported, already_imported=result.already_imported)
