"""Reads of our click rollups (ClickRollup, ClickTotal; tenant in scope): clicks per link,
campaign creator or campaign over ranges and per day, without summing LinkClickDaily's rows.
Triggers keep the rollups equal to LinkClickDaily's all-sub-IDs rows in the writing
statement's own transaction (campaigns/migrations/0014_click_rollup_triggers.py).

A range is the running total at its last day less the running total the day before it starts:
two rows per link, creator or campaign however long the range (none when the range ends on or
after its last day with clicks); core.rollups reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from campaigns.models import ClickRollup
from core.rollups import LIFETIME, RunningRollup, scoped


@dataclass(frozen=True)
class Clicks:
    clicks: int = 0
    link_days: int = 0  # LinkClickDaily rows summed (0: no clicks row in the range)


CLICKS = RunningRollup(
    rollup_table="campaigns_clickrollup",
    total_table="campaigns_clicktotal",
    key=("scope", "scope_id"),
    values=("clicks", "link_days"),
)


def click_ranges(
    *, scope: str, ranges: Mapping[str, tuple[date, date]], ids: Iterable[int] | None = None
) -> dict[int, dict[str, Clicks]]:
    """Per id of `scope` (those in `ids`, or all): its clicks over each named range and over
    its lifetime (LIFETIME). One query. Ids without any clicks row are absent."""
    return {
        scope_id: {
            name: Clicks(values["clicks"], values["link_days"]) for name, values in figures.items()
        }
        for scope_id, figures in scoped(CLICKS, scope=scope, ranges=ranges, ids=ids).items()
    }


def click_days(*, scope: str, scope_id: int, start: date, end: date) -> QuerySet[ClickRollup]:
    """One link's, creator's or campaign's rollup rows (the day's clicks) from start to end."""
    return ClickRollup.objects.filter(
        scope=scope, scope_id=scope_id, date__gte=start, date__lte=end
    )


__all__ = ["CLICKS", "LIFETIME", "Clicks", "click_days", "click_ranges"]
