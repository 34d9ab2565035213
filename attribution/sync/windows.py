"""Which days a sync pulls: the store's usual window, or an operator's backfill cut into
chunks Amazon accepts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from attribution.models import Store
from core.months import months_back

AMAZON_HISTORY_MONTHS = 13
MAX_CHUNK_DAYS = 90


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def default_window(store: Store, now: datetime | None = None) -> Window:
    """The last `sync_window_days` complete days, ending yesterday in the store's zone."""
    end = store.latest_complete_day(now)
    return Window(end - timedelta(days=store.sync_window_days - 1), end)


def backfill_windows(store: Store, start: date, end: date) -> list[Window]:
    """[start, end] cut into chunks of at most 90 days; refused beyond Amazon's 13 months."""
    today = store.today()
    earliest = months_back(today, AMAZON_HISTORY_MONTHS)
    if end < start:
        raise ValueError("The end date is before the start date.")
    if start < earliest:
        raise ValueError(f"Amazon keeps 13 months: the earliest start is {earliest.isoformat()}.")
    if end >= today:
        raise ValueError(f"The end date must be before today ({today.isoformat()}, store time).")
    windows, cursor = [], start
    while cursor <= end:
        chunk_end = min(end, cursor + timedelta(days=MAX_CHUNK_DAYS - 1))
        windows.append(Window(cursor, chunk_end))
        cursor = chunk_end + timedelta(days=1)
    return windows
