"""Reads of the rollups (MetricRollup, MetricTotal; tenant in scope): what pages that sum many
fact rows read instead of DailyMetric. Triggers keep the rollups equal to the facts in the
facts' own transaction (attribution/migrations/0011_metric_rollup_triggers.py), so nothing here
can be stale.

A range of a key is its running total at the range's last day less its running total the day
before the range starts: two rows per key however long the range, read by index probes
(skipped when the range ends on or after the key's last day, the usual "last N days").

Only column names from this module's constants are formatted into the SQL; every value is a
query parameter (hence the file-wide S608 exemption in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Sum

from attribution.models import METRIC_FIELDS, MetricRollup, RollupLevel

# (store id, level, campaign id, ad group id, creative id)
Key = tuple[int, str, str, str, str]
Figures = dict[str, int | Decimal]

LIFETIME = "lifetime"
# The facts' metrics and how many fact rows each figure sums (0: no facts in the range).
ROLLED = (*METRIC_FIELDS, "fact_rows")
_KEY = "store_id, level, amazon_campaign_id, amazon_adgroup_id, amazon_creative_id"
_MATCH = (
    "r.store_id = t.store_id AND r.level = t.level AND r.amazon_campaign_id = "
    "t.amazon_campaign_id AND r.amazon_adgroup_id = t.amazon_adgroup_id AND "
    "r.amazon_creative_id = t.amazon_creative_id"
)


@dataclass(frozen=True)
class KeyFilter:
    """Which rollup keys: levels, optionally one store and campaign id, or exact keys."""

    levels: tuple[str, ...]
    store_id: int | None = None
    amazon_campaign_id: str | None = None
    # exact (store id, campaign id, ad group id, creative id) keys, ANDed with the rest
    keys: tuple[tuple[int, str, str, str], ...] | None = None


def _where(spec: KeyFilter, alias: str) -> tuple[str, list[Any]]:
    clauses = [f"{alias}.level = ANY(%s)"]
    params: list[Any] = [list(spec.levels)]
    if spec.store_id is not None:
        clauses.append(f"{alias}.store_id = %s")
        params.append(spec.store_id)
    if spec.amazon_campaign_id is not None:
        clauses.append(f"{alias}.amazon_campaign_id = %s")
        params.append(spec.amazon_campaign_id)
    if spec.keys is not None:
        if not spec.keys:
            clauses.append("false")
        else:
            rows = ", ".join(["(%s::bigint, %s, %s, %s)"] * len(spec.keys))
            clauses.append(
                f"({alias}.store_id, {alias}.amazon_campaign_id, {alias}.amazon_adgroup_id, "
                f"{alias}.amazon_creative_id) IN (VALUES {rows})"
            )
            params.extend(v for key in spec.keys for v in key)
    return " AND ".join(clauses), params


def metric_ranges(
    *, keys: KeyFilter, ranges: Mapping[str, tuple[date, date]]
) -> dict[Key, dict[str, Figures]]:
    """Per key: its figures over each named range (inclusive days) and over its lifetime
    (LIFETIME). One query. Keys without any figures are absent, as in the facts."""
    bounds = sorted({b for start, end in ranges.values() for b in (end, start - timedelta(1))})
    selects = [f"t.{c}" for c in _KEY.split(", ")] + ["t.last_date"]
    selects += [f"t.{m}" for m in ROLLED]
    laterals, params = [], []
    for i, bound in enumerate(bounds):
        selects.append(f"b{i}.date IS NOT NULL")
        selects += [f"b{i}.{m}_to_date" for m in ROLLED]
        laterals.append(
            f"LEFT JOIN LATERAL (SELECT r.date, "
            f"{', '.join(f'r.{m}_to_date' for m in ROLLED)} "
            f"FROM attribution_metricrollup r WHERE {_MATCH} AND r.date <= %s "
            f"AND t.last_date > %s ORDER BY r.date DESC LIMIT 1) b{i} ON true"
        )
        params += [bound, bound]
    where, where_params = _where(keys, "t")
    sql = (
        f"SELECT {', '.join(selects)} FROM attribution_metrictotal t {' '.join(laterals)} "
        f"WHERE {where}"
    )
    n = len(ROLLED)
    result: dict[Key, dict[str, Figures]] = {}
    with connection.cursor() as cur:
        cur.execute(sql, params + where_params)
        for row in cur.fetchall():
            key: Key = tuple(row[:5])  # type: ignore[assignment]
            last_date: date = row[5]
            lifetime = dict(zip(ROLLED, row[6 : 6 + n], strict=True))
            at: dict[date, Figures] = {}
            for i, bound in enumerate(bounds):
                offset = 6 + n + i * (n + 1)
                if last_date <= bound:
                    at[bound] = lifetime
                elif row[offset]:
                    at[bound] = dict(zip(ROLLED, row[offset + 1 : offset + 1 + n], strict=True))
                else:
                    at[bound] = {}
            figures: dict[str, Figures] = {LIFETIME: lifetime}
            for name, (start, end) in ranges.items():
                upper, lower = at[end], at[start - timedelta(1)]
                figures[name] = {m: upper.get(m, 0) - lower.get(m, 0) for m in ROLLED}
            result[key] = figures
    return result


def rollup_days(keys: KeyFilter, start: date, end: date) -> QuerySet[MetricRollup]:
    """The keys' rollup rows (one per key and day, the day's figures) from start to end."""
    qs = MetricRollup.objects.filter(level__in=keys.levels, date__gte=start, date__lte=end)
    if keys.store_id is not None:
        qs = qs.filter(store_id=keys.store_id)
    if keys.amazon_campaign_id is not None:
        qs = qs.filter(amazon_campaign_id=keys.amazon_campaign_id)
    if keys.keys is not None:
        if not keys.keys:
            return qs.none()
        qs = qs.filter(
            reduce(
                or_,
                (
                    Q(
                        store_id=store_id,
                        amazon_campaign_id=campaign,
                        amazon_adgroup_id=adgroup,
                        amazon_creative_id=creative,
                    )
                    for store_id, campaign, adgroup, creative in keys.keys
                ),
            )
        )
    return qs


def day_sums(
    keys: KeyFilter, start: date, end: date, metrics: Iterable[str], by: tuple[str, ...] = ()
) -> QuerySet[MetricRollup, dict[str, Any]]:
    """The keys' figures per day (and `by` columns), summed over the keys."""
    return (
        rollup_days(keys, start, end)
        .values(*by, "date")
        .annotate(**{m: Sum(m) for m in metrics})
        .order_by()
    )


__all__ = [
    "LIFETIME",
    "ROLLED",
    "Figures",
    "Key",
    "KeyFilter",
    "RollupLevel",
    "day_sums",
    "metric_ranges",
    "rollup_days",
]
