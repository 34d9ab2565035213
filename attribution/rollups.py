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

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any, cast

import redis.exceptions
from django.core.cache import cache
from django.db import connection, models
from django.db.models import F, Q, QuerySet, Sum

from attribution.models import METRIC_FIELDS, MetricRollup, MetricTotal, RollupLevel
from core.rollups import LIFETIME, RunningRollup, column

log = logging.getLogger(__name__)

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


# How long a memo is kept. It is keyed by its stores' versions, so it is never stale; this only
# bounds what nobody reads any more keeps in Redis (beside the click stream): a store syncs at
# least daily, and each sync leaves the memos of its previous version unread.
MEMO_SECONDS = 24 * 3600


def metric_versions(store_ids: Sequence[int] | None = None) -> dict[int, str]:
    """Per store in scope (those in `store_ids`, or every one): a token of its facts' version,
    which the rollup refresh changes in the same transaction as the facts (attribution 0015).
    One query."""
    sql = (
        "SELECT s.id, coalesce(v.version, 0), v.changed_at FROM attribution_store s "
        "LEFT JOIN attribution_metricversion v ON v.store_id = s.id"
    )
    params: list[Any] = []
    if store_ids is not None:
        sql += " WHERE s.id = ANY(%s)"
        params.append(list(store_ids))
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {
            store_id: f"{version}@{changed_at.isoformat() if changed_at else '-'}"
            for store_id, version, changed_at in cur.fetchall()
        }


def _sql_type(value: str) -> str:
    field = MetricTotal._meta.get_field(value)
    return "numeric" if isinstance(field, models.DecimalField) else "bigint"


def memoized_ranges_sql(
    *,
    keys: KeyFilter,
    ranges: Mapping[str, tuple[date, date]],
    values: Sequence[str],
    by: Sequence[str] = KEY_COLUMNS,
    versions: Mapping[int, str] | None = None,
) -> tuple[str, list[Any]]:
    """The figures of every key of `keys`' levels in its store (or every store in scope) and
    campaign over each named range, summed per `by` (key columns): a SELECT with a row per
    group, the `by` columns, then `core.rollups.column(range, value)` (as `metric_ranges_sql`,
    without the lifetime). Read once per version of each store's facts and memoized in the
    cache: a page that ranks a big brand's 6,000 links by one figure then reads them as arrays
    instead of probing 6,000 keys (about 80 ms).

    Never stale: the memo's key holds the store's version (`metric_versions`), which changes in
    the transaction that changes the store's facts, and the version is read before the
    figures, so a memo holds figures at least as new as the version it is filed under. Two
    queries when a store's memo is missing (the versions, then every missing store's figures
    in one read), one otherwise (none when the caller passes the stores' `versions`, read by
    `metric_versions` for several memos of one page); a cache that cannot answer costs the
    memo, not the page."""
    if keys.keys is not None or keys.adgroup_ids is not None or keys.creative_ids is not None:
        raise ValueError("memoized figures are per store, level and campaign, not per key")
    if unknown := set(by) - set(KEY_COLUMNS):
        raise ValueError(f"not key columns: {sorted(unknown)}")
    if unknown := set(values) - set(ROLLED):
        raise ValueError(f"attribution_metricrollup has no {sorted(unknown)}")
    wanted = tuple(values)
    sums = [column(name, v) for name in ranges for v in wanted]
    names = [*by, *sums]
    types = [
        *("bigint" if c == "store_id" else "text" for c in by),
        *(_sql_type(v) for _ in ranges for v in wanted),
    ]
    if versions is None:
        versions = metric_versions(None if keys.store_id is None else [keys.store_id])
    elif keys.store_id is not None:
        versions = {keys.store_id: versions[keys.store_id]}
    shape = repr(
        (keys.levels, keys.amazon_campaign_id, sorted(ranges.items()), wanted, tuple(by))
    ).encode()
    memo = {
        store_id: "metric-ranges:v1:"
        + hashlib.sha256(repr((store_id, version)).encode() + shape).hexdigest()
        for store_id, version in versions.items()
    }
    try:
        found: dict[str, list[str]] = cache.get_many(list(memo.values()))
    except redis.exceptions.RedisError:  # the memo is a shortcut: read the rollups instead
        log.warning("metric ranges memo unreadable; reading the rollups", exc_info=True)
        found = {}
    missing = [store_id for store_id, key in memo.items() if key not in found]
    if missing:
        where, params = _where(replace(keys, store_id=None), "t")
        ranged, all_params = METRIC_ROLLUP.ranges_sql(
            ranges=ranges,
            where=f"{where} AND t.store_id = ANY(%s)",
            params=[*params, missing],
            values=wanted,
        )
        # PostgreSQL writes each column as an array literal (quoting as array input reads it
        # back); the aggregates of one GROUP BY see its rows in the same order, so the arrays
        # line up
        groups = ", ".join(f"k.{c}" for c in by)
        sql = (
            f"SELECT g.memo_store, {', '.join(f'array_agg(g.{c})::text' for c in names)} "
            f"FROM (SELECT k.store_id AS memo_store, {groups}, "
            f"{', '.join(f'sum(k.{c}) AS {c}' for c in sums)} "
            f"FROM ({ranged}) k GROUP BY k.store_id, {groups}) g GROUP BY g.memo_store"
        )
        made = {memo[s]: [""] * len(names) for s in missing}  # (a store without such keys)
        with connection.cursor() as cur:
            cur.execute(sql, all_params)
            for store_id, *arrays in cur.fetchall():
                made[memo[store_id]] = [array[1:-1] for array in arrays]  # without the braces
        try:
            cache.set_many(made, MEMO_SECONDS)
        except redis.exceptions.RedisError:
            log.warning("metric ranges memo not kept", exc_info=True)
        found.update(made)
    parts = [found[key] for key in memo.values()]
    arrays = ["{" + ",".join(p[i] for p in parts if p[i]) + "}" for i in range(len(names))]
    # only this module's types and column names are formatted in; the arrays are parameters
    unnest = ", ".join(f"%s::{t}[]" for t in types)
    sql = f"SELECT * FROM unnest({unnest}) AS m({', '.join(names)})"
    return sql, arrays


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
    "memoized_ranges_sql",
    "metric_ranges",
    "metric_ranges_sql",
    "metric_versions",
    "rollup_days",
]
