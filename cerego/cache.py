"""The cache speeds answers up; no answer may depend on it.

When Redis is unreachable, callers that can do without the cache read through
`best_effort_cache`: a read misses, a write or delete is dropped, and each failure is logged
as a warning. `/readyz` still reads the cache directly, so the outage shows there.
"""

import logging
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What Django's Redis backend raises when the server is down, refuses or times out.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError,)


def log_cache_failure(action: str, key: str, error: Exception) -> None:
    logger.warning("cache unreachable, %s of %r skipped: %s", action, key, error)


class BestEffortCache:
    """A Django cache whose connection failures are logged instead of raised."""

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias

    @property
    def _cache(self) -> BaseCache:
        return caches[self.alias]  # looked up per call: per thread, and settings may change

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self._cache.get(key, default)
        except CACHE_ERRORS as error:
            log_cache_failure("read", key, error)
            return default

    def set(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        try:
            self._cache.set(key, value, timeout)
        except CACHE_ERRORS as error:
            log_cache_failure("write", key, error)

    def delete(self, key: str) -> None:
        try:
            self._cache.delete(key)
        except CACHE_ERRORS as error:
            log_cache_failure("delete", key, error)

    def __contains__(self, key: str) -> bool:
        try:
            return key in self._cache
        except CACHE_ERRORS as error:
            log_cache_failure("read", key, error)
            return False

    async def aget(self, key: str, default: Any = None) -> Any:
        try:
            return await self._cache.aget(key, default)
        except CACHE_ERRORS as error:
            log_cache_failure("read", key, error)
            return default

    async def aset(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        try:
            await self._cache.aset(key, value, timeout)
        except CACHE_ERRORS as error:
            log_cache_failure("write", key, error)

    async def adelete(self, key: str) -> None:
        try:
            await self._cache.adelete(key)
        except CACHE_ERRORS as error:
            log_cache_failure("delete", key, error)


best_effort_cache = BestEffortCache()
