"""Cached database sessions that outlive the cache.

Django's cached_db backend writes every session to the database and the cache, but lets a
cache failure escape from most of its reads and writes, so with Redis down every signed-in
page answered 500. Here the cache is best effort: the database row is the session, the
cache only a copy that may be missing.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from cerego.cache import BestEffortCache


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = BestEffortCache(settings.SESSION_CACHE_ALIAS)
