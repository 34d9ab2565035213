"""Calendar months: "YYYY-MM" in URLs and tokens, a month's first and last day, and the same
day some months earlier (clamped to the month's end: 31 March less one month is 28 or 29
February)."""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})")


def month_parse(value: str | None) -> date | None:
    """ "2026-03" -> date(2026, 3, 1); None for anything that is not a month."""
    match = MONTH_RE.fullmatch((value or "").strip())
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if year < 1 or not 1 <= month <= 12:
        return None
    return date(year, month, 1)


def month_range(day: date) -> tuple[date, date]:
    """The first and the last day of the month of `day` (both inclusive)."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def months_back(day: date, months: int) -> date:
    """The same day `months` months earlier, or that month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
