"""Date ranges for dashboards: presets and custom ranges, with clear errors for bad input."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core.months import month_range, months_back
from reporting.values import Period

PRESETS = [
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("mtd", "This month"),
    ("lm", "Last month"),
    ("custom", "Custom"),
]
MAX_DAYS = 400


def period_from(params: Any, *, latest: date) -> tuple[Period, str, str]:
    """(period, preset, error) from GET params; `latest` is the last day with data."""
    preset = params.get("range", "30d")
    if preset == "custom":
        try:
            start = date.fromisoformat(params.get("start", ""))
            end = date.fromisoformat(params.get("end", ""))
        except ValueError:
            return _days(latest, 30), "30d", "Enter dates as YYYY-MM-DD; showing the last 30 days."
        if end < start:
            return _days(latest, 30), "30d", "The end date is before the start date."
        if (end - start).days >= MAX_DAYS:
            return _days(latest, 30), "30d", f"Pick at most {MAX_DAYS} days."
        return Period(start, end), "custom", ""
    if preset == "mtd":
        return Period(latest.replace(day=1), latest), preset, ""
    if preset == "lm":
        return Period(*month_range(months_back(latest, 1))), preset, ""
    days = {"7d": 7, "30d": 30, "90d": 90}.get(preset)
    if days is None:
        return _days(latest, 30), "30d", ""
    return _days(latest, days), preset, ""


def _days(latest: date, days: int) -> Period:
    return Period(latest - timedelta(days=days - 1), latest)
