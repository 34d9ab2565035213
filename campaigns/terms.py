"""Terms and status as history: which row is in force on a day.

A history row (CampaignStatusChange, CampaignTerms, CampaignCreatorTerms) holds from its
`effective_from` (None: from the very start) until the next row's date; of several rows of one
date, the last written wins. Pure functions over anything with `effective_from` and `pk`, so the
settle, the pages and the data migrations agree."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar


class HistoryRow(Protocol):
    effective_from: date | None
    pk: Any


R = TypeVar("R", bound=HistoryRow)


def history_key(row: HistoryRow) -> tuple[date, int]:
    """The order rows take over in: by date (None first), then as written."""
    return (row.effective_from or date.min, row.pk or 0)


def history_sorted(rows: Iterable[R]) -> list[R]:
    """Rows in the order they take over (`history_key`)."""
    return sorted(rows, key=history_key)


def in_force_on(rows: Sequence[R], day: date) -> R | None:
    """The row in force on `day` among `rows` (sorted by `history_sorted`); None before the
    first row's date."""
    found = None
    for row in rows:
        if row.effective_from is not None and row.effective_from > day:
            break
        found = row
    return found


def in_force_from(rows: Sequence[R], day: date) -> list[R]:
    """The row in force on `day` followed by the rows that take over after it."""
    current = in_force_on(rows, day)
    later = [r for r in rows if r.effective_from is not None and r.effective_from > day]
    return ([current] if current is not None else []) + later


def term_on(rows: Sequence[Any], day: date | None, name: str) -> Any:
    """The value of one term (`name`) on `day` (None: going forward, the latest change) among
    history-sorted rows that change only some terms (None: unchanged by the row)."""
    value = None
    for row in rows:
        if day is not None and row.effective_from is not None and row.effective_from > day:
            break
        if getattr(row, name) is not None:
            value = getattr(row, name)
    return value
