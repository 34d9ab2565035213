"""Reads of the rollups (MetricRollup, MetricTotal; tenant in scope): what pages that sum many
fact rows read instead of DailyMetric (ranges through core.rollups). Triggers keep the rollups
equal to the facts in the facts' own transaction
(attribution/migrations/0011_metric_rollup_triggers.py), so nothing here can be stale.

A range of a key is its running total at the range's last day less its running total the day
before the range starts: two rows per key however long the range, read by index probes
(skipped when the range ends on or after the key's last day, the usual "last N days").

Only column names from this module's constants are formatted into the SQL; every value is a
query parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any, cast

from django.db.models import F, Q, QuerySet, Sum

from attribution.models import METRIC_FIELDS, MetricRollup, RollupLevel
from core.rollups import LIFETIME, RunningRollup

# (store id, level, campaign id, ad group id, creative id)
Key = tuple[int, str, str, str, str]
Figures = dict[str, int | Decimal]

# The facts' metrics and how many fact rows each figure sums (0: no facts in the range).
ROLLED = (*METRIC_FIELDS, "fact_rows")
KEY_COLUMNS = ("store_id", "level", "amazon_campaign_id", "amazon_adgroup_id", "amazon_creative_id")


@dataclass(frozen=True)
class KeyFilter:
    """Which rollup keys: levels, optionally one store and campaign id, or exact keys."""

    levels: tuple[str, ...]
    store_id: int | None = None
    amazon_campaign_id: str | None = None
    # exact (store id, campaign id, ad group id, creative id) keys, ANDed with the rest
    keys: tuple[tuple[int, str, str, str], ...] | None = None
    # only these ad group ids / creative ids, ANDed with the rest
    adgroup_ids: tuple[str, ...] | None = None
    creative_ids: tuple[str, ...] | None = None


def _where(spec: KeyFilter, alias: str) -> tuple[str, list[Any]]:
    clauses = [f"{alias}.level = ANY(%s)"]
    params: list[Any] = [list(spec.levels)]
    if spec.store_id is not None:
        clauses.append(f"{alias}.store_id = %s")
        params.append(spec.store_id)
    if spec.amazon_campaign_id is not None:
        clauses.append(f"{alias}.amazon_campaign_id = %s")
        params.append(spec.amazon_campaign_id)
    if spec.adgroup_ids is not None:
        clauses.append(f"{alias}.amazon_adgroup_id = ANY(%s)")
        params.append(list(spec.adgroup_ids))
    if spec.creative_ids is not None:
        clauses.append(f"{alias}.amazon_creative_id = ANY(%s)")
        params.append(list(spec.creative_ids))
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


METRIC_ROLLUP = RunningRollup(
    rollup_table="attribution_metricrollup",
    total_table="attribution_metrictotal",
    key=KEY_COLUMNS,
    values=ROLLED,
    match=(("key_id", "id"),),
)


def metric_ranges_sql(
    *,
    keys: KeyFilter,
    ranges: Mapping[str, tuple[date, date]],
    values: Sequence[str] | None = None,
) -> tuple[str, list[Any]]:
    """The keys' figures (those in `values`, or all of ROLLED) over each named range and their
    lifetime, as one SELECT (a row per key: the key columns, then
    `core.rollups.column(range, metric)`), for pages that sort and paginate in SQL."""
    where, params = _where(keys, "t")
    return METRIC_ROLLUP.ranges_sql(ranges=ranges, where=where, params=params, values=values)


def metric_ranges(
    *, keys: KeyFilter, ranges: Mapping[str, tuple[date, date]]
) -> dict[Key, dict[str, Figures]]:
    """Per key: its figures over each named range (inclusive days) and over its lifetime
    (LIFETIME). One query. Keys without any figures are absent, as in the facts."""
    where, params = _where(keys, "t")
    return METRIC_ROLLUP.ranges(ranges=ranges, where=where, params=params)  # type: ignore[return-value]


def rollup_days(keys: KeyFilter, start: date, end: date) -> QuerySet[MetricRollup]:
    """The keys' rollup rows (one per key and day, the day's figures) from start to end; the
    key's columns are the `key__` fields (MetricTotal's)."""
    qs = MetricRollup.objects.filter(key__level__in=keys.levels, date__gte=start, date__lte=end)
    if keys.store_id is not None:
        qs = qs.filter(key__store_id=keys.store_id)
    if keys.amazon_campaign_id is not None:
        qs = qs.filter(key__amazon_campaign_id=keys.amazon_campaign_id)
    if keys.keys is not None:
        if not keys.keys:
            return qs.none()
        qs = qs.filter(
            reduce(
                or_,
                (
                    Q(
                        key__store_id=store_id,
                        key__amazon_campaign_id=campaign,
                        key__amazon_adgroup_id=adgroup,
                        key__amazon_creative_id=creative,
                    )
                    for store_id, campaign, adgroup, creative in keys.keys
                ),
            )
        )
    return qs


def day_sums(
    keys: KeyFilter, start: date, end: date, metrics: Iterable[str], by: tuple[str, ...] = ()
) -> QuerySet[MetricRollup, dict[str, Any]]:
    """The keys' figures per day (and `by`: key columns, as KEY_COLUMNS names them), summed
    over the keys."""
    columns: dict[str, Any] = {column: F(f"key__{column}") for column in by}
    return cast(
        "QuerySet[MetricRollup, dict[str, Any]]",
        rollup_days(keys, start, end)
        .values("date", **columns)
        .annotate(**{m: Sum(m) for m in metrics})
        .order_by(),
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
    "metric_ranges_sql",
    "rollup_days",
]
