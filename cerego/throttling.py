"""Request throttles that let traffic through when their cache is unreachable."""

import logging

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from cerego.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)


class FailOpenScopedRateThrottle(ScopedRateThrottle):
    """DRF's per-scope, per-client limit, counted in the cache; uncounted while it is down.

    Failing open is safe because throttles are only flood control: password guessing is
    capped by the per-account lockout, which django-axes counts in the database.
    """

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            scope = getattr(view, self.scope_attr, None)
            logger.warning("throttle %r not applied, cache unreachable: %s", scope, error)
            return True
