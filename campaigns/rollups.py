"""Reads of our click rollups (ClickRollup, ClickTotal; tenant in scope): clicks per link,
campaign creator or campaign over ranges and per day, without summing LinkClickDaily's rows.
Triggers keep the rollups equal to LinkClickDaily's all-sub-IDs rows in the writing
statement's own transaction (campaigns/migrations/0014_click_rollup_triggers.py).

A range is the running total at its last day less the running total the day before it starts:
two rows per link, creator or campaign however long the range (none when the range ends on or
after its last day with clicks).

Only this module's constants are formatted into the SQL; every value is a query parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from campaigns.models import ClickRollup, ClickScope

LIFETIME = "lifetime"

# Which ids of a scope: those of one campaign (its links, its campaign creators, itself).
_OF_CAMPAIGN = {
    ClickScope.LINK: "SELECT id FROM campaigns_affiliatelink WHERE campaign_id = %s",
    ClickScope.CREATOR: "SELECT id FROM creators_campaigncreator WHERE campaign_id = %s",
    ClickScope.CAMPAIGN: "SELECT %s",
}


@dataclass(frozen=True)
class Clicks:
    clicks: int = 0
    link_days: int = 0  # LinkClickDaily rows summed (0: no clicks row in the range)

    def __sub__(self, other: Clicks) -> Clicks:
        return Clicks(self.clicks - other.clicks, self.link_days - other.link_days)


def click_ranges(
    *, scope: str, ranges: Mapping[str, tuple[date, date]], campaign_id: int | None = None
) -> dict[int, dict[str, Clicks]]:
    """Per id of `scope` (of one campaign, or all): its clicks over each named range and over
    its lifetime (LIFETIME). One query. Ids without any clicks row are absent."""
    bounds = sorted({b for start, end in ranges.values() for b in (end, start - timedelta(1))})
    selects = ["t.scope_id", "t.last_date", "t.clicks", "t.link_days"]
    laterals: list[str] = []
    params: list[Any] = []
    for i, bound in enumerate(bounds):
        selects += [f"b{i}.clicks_to_date", f"b{i}.link_days_to_date"]
        laterals.append(
            f"LEFT JOIN LATERAL (SELECT r.clicks_to_date, r.link_days_to_date "
            f"FROM campaigns_clickrollup r "
            f"WHERE r.scope = t.scope AND r.scope_id = t.scope_id AND r.date <= %s "
            f"AND t.last_date > %s ORDER BY r.date DESC LIMIT 1) b{i} ON true"
        )
        params += [bound, bound]
    where = "t.scope = %s"
    where_params: list[Any] = [scope]
    if campaign_id is not None:
        where += f" AND t.scope_id IN ({_OF_CAMPAIGN[ClickScope(scope)]})"
        where_params.append(campaign_id)
    sql = (
        f"SELECT {', '.join(selects)} FROM campaigns_clicktotal t {' '.join(laterals)} "
        f"WHERE {where}"
    )
    result: dict[int, dict[str, Clicks]] = {}
    with connection.cursor() as cur:
        cur.execute(sql, params + where_params)
        for scope_id, last_date, clicks, link_days, *at_bounds in cur.fetchall():
            lifetime = Clicks(clicks, link_days)
            at = {
                bound: lifetime
                if last_date <= bound
                else Clicks(at_bounds[2 * i] or 0, at_bounds[2 * i + 1] or 0)
                for i, bound in enumerate(bounds)
            }
            figures = {LIFETIME: lifetime}
            for name, (start, end) in ranges.items():
                figures[name] = at[end] - at[start - timedelta(1)]
            result[scope_id] = figures
    return result


def click_days(*, scope: str, scope_id: int, start: date, end: date) -> QuerySet[ClickRollup]:
    """One link's, creator's or campaign's rollup rows (the day's clicks) from start to end."""
    return ClickRollup.objects.filter(
        scope=scope, scope_id=scope_id, date__gte=start, date__lte=end
    )
