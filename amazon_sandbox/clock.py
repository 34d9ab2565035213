"""The sandbox clock: real UTC now plus an offset, or pinned to a fixed instant."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


def to_iso(value: datetime) -> str:
    """Format an aware datetime as ISO-8601 UTC with a ``Z`` suffix."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_iso(value: str) -> datetime:
    """Parse ISO-8601; naive values are taken as UTC."""
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


class SandboxClock:
    """Thread-safe controllable clock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pinned: datetime | None = None
        self._offset = timedelta(0)

    def now(self) -> datetime:
        """Current sandbox time (aware, UTC)."""
        with self._lock:
            if self._pinned is not None:
                return self._pinned
            return datetime.now(UTC) + self._offset

    @property
    def pinned(self) -> bool:
        """True when the clock is frozen at a fixed instant."""
        return self._pinned is not None

    def pin(self, value: datetime) -> None:
        """Freeze the clock at ``value``."""
        with self._lock:
            self._pinned = value.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward (or back) by ``delta``."""
        with self._lock:
            if self._pinned is not None:
                self._pinned += delta
            else:
                self._offset += delta

    def reset(self) -> None:
        """Go back to real time."""
        with self._lock:
            self._pinned = None
            self._offset = timedelta(0)

    def describe(self) -> dict[str, object]:
        """JSON-friendly description."""
        return {"now": to_iso(self.now()), "pinned": self.pinned}
