"""Per-key rate limit (per user for sessions): a fixed one-minute window counted in Redis with
INCR, so every web process shares it. Over the limit: 429 with Retry-After (seconds to the next
window)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from api.models import ApiKey

WINDOW = 60


class ApiKeyRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self.retry_after: int | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiKey):
            ident = f"key:{request.auth.pk}"
        else:
            ident = f"user:{getattr(request.user, 'pk', None)}"
        now = time.time()
        window = int(now // WINDOW)
        key = f"api-rate:{ident}:{window}"
        cache.add(key, 0, timeout=WINDOW + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.add(key, 1, timeout=WINDOW + 5)
            count = 1
        if count > settings.API_RATE_LIMIT_PER_MINUTE:
            self.retry_after = max(1, int((window + 1) * WINDOW - now + 0.999))
            return False
        return True

    def wait(self) -> float | None:
        return self.retry_after
