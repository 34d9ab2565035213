"""What can go wrong talking to Amazon: every caller handles these, never the library's."""

from __future__ import annotations

import random
from typing import Any

NOT_AUTHORIZED_TEXT = "not authorized to use amazon attribution"


# --- errors ----------------------------------------------------------------------------------


class AmazonError(Exception):
    """Base of everything this module raises. `message` is fit to show to a user."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class AmazonConfigurationError(AmazonError):
    """Our side is misconfigured (missing client id, AD_API_* variables set)."""


class AmazonRetryable(AmazonError):
    """Throttled, 5xx, timed out or unreachable: try again after `wait_seconds(attempt)`."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after

    def wait_seconds(self, attempt: int, *, base: float = 2.0, cap: float = 300.0) -> float:
        """Amazon's Retry-After when it sent one, else exponential backoff with full jitter."""
        if self.retry_after is not None:
            return self.retry_after
        return random.uniform(0, min(cap, base * 2**attempt))


class AmazonAuthError(AmazonError):
    """The grant is no longer valid (invalid_grant, revoked, expired code): reconnect."""


class AmazonIneligible(AmazonError):
    """403 / "not authorized to use Amazon Attribution": stop, mark the store, no retry."""


class AmazonProfileAccessError(AmazonError):
    """401 for one profile that a freshly refreshed token does not cure: access to that profile
    was withdrawn (Amazon: "Not authorized to access scope <profileId>"). The grant is fine and
    the connection's other profiles keep working: mark that store only."""


class AmazonRequestError(AmazonError):
    """400/404/410/422: the request is wrong (or the endpoint is gone); retrying will not help."""


class AmazonInvalidMetric(AmazonRequestError):
    """400 `Invalid metric <name>`: Amazon will not report `metric` for this profile."""

    def __init__(self, message: str, *, metric: str, status: int | None = 400) -> None:
        super().__init__(message, status=status)
        self.metric = metric


def _retry_after(headers: Any) -> float | None:
    value = (headers or {}).get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None
