"""Access tokens per connection in Redis, encrypted, refreshed five minutes early, one refresh at a
time per connection."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.conf import settings

from attribution import crypto
from attribution.amazon.lwa import refresh_access_token

log = logging.getLogger(__name__)

REFRESH_EARLY_SECONDS = 300


# --- access-token cache ------------------------------------------------------------------------


def _redis() -> Any:
    import redis

    global _redis_client
    if _redis_client is None:
        _redis_client = redis.Redis.from_url(settings.REDIS_URL)
    return _redis_client


_redis_client: Any = None


class TokenCache:
    """Access tokens per connection in Redis, encrypted; one refresh at a time per connection."""

    def __init__(self, connection_key: str, region: str, refresh_token: str) -> None:
        self.key = f"amazon:lwa:{connection_key}"
        self.region = region
        self.refresh_token = refresh_token

    def get(self) -> str:
        token = self._cached()
        if token:
            return token
        with _redis().lock(self.key + ":lock", timeout=60, blocking_timeout=60):
            token = self._cached()  # another process may have refreshed while we waited
            return token or self._refresh()

    def invalidate(self, token: str) -> None:
        if self._cached(fresh_only=False) == token:
            _redis().delete(self.key)

    def _cached(self, fresh_only: bool = True) -> str | None:
        raw = _redis().get(self.key)
        if not raw:
            return None
        data = json.loads(crypto.decrypt(raw.decode()))
        if fresh_only and data["expires_at"] - REFRESH_EARLY_SECONDS <= time.time():
            return None
        return str(data["access_token"])

    def _refresh(self) -> str:
        grant = refresh_access_token(region=self.region, refresh_token=self.refresh_token)
        ttl = max(1, int(grant.expires_at - time.time()))
        payload = json.dumps({"access_token": grant.access_token, "expires_at": grant.expires_at})
        _redis().set(self.key, crypto.encrypt(payload), ex=ttl)
        log.info("refreshed Amazon access token for %s", self.key)
        return grant.access_token
