"""Date ranges for dashboards: presets and custom ranges, with clear errors for bad input.

"Last 30 days" means one thing everywhere (staff overview, campaign performance, the creator
page, the creator portal, the export form): the latest day that has ended in every store of the
organisation (`Store.latest_complete_day_of`) and the 29 days before it. Every page takes its
range from `period_from` (or `period_default`) without naming its own end day, so two pages
never show the same campaign over two different ranges. Our own link clicks are real time:
pages show today's separately, labelled as such (`reporting.selectors.trends`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from attribution.selectors import stores_latest_complete_day
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


DEFAULT_DAYS = 30


def period_latest_day() -> date:
    """The day every preset ends on: the latest day that has ended in every store of the
    organisation in scope (yesterday in TIME_ZONE without stores)."""
    return stores_latest_complete_day()


def period_default(*, latest: date | None = None) -> Period:
    """The default range of every page and the export: the latest complete day and the 29
    days before it."""
    return _days(latest or period_latest_day(), DEFAULT_DAYS)


def period_from(params: Any, *, latest: date | None = None) -> tuple[Period, str, str]:
    """(period, preset, error) from GET params; presets end on `period_latest_day()` (pass
    `latest` only when it is already known, e.g. to save a query)."""
    if latest is None:
        latest = period_latest_day()
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
