"""Write: make the stored rows of a store and window equal a complete pull, in bulk.

COPY the pull into a temporary table, measure what it would change (Impact: per level, the
rows and the clicks and sales it would remove or reduce) and ask the caller whether to go on
(attribution.sync.review holds a pull that would lower too much); then record what changes
(revisions), one INSERT ... ON CONFLICT DO UPDATE ... WHERE ... IS DISTINCT FROM and one
DELETE of the rows Amazon no longer returns. Runs inside the caller's transaction and tenant
scope: all or nothing.

Only column names from this module's constants are formatted into the SQL; every value is a
query parameter (hence the file-wide S608 exemption in pyproject.toml).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.db import connection

from attribution.models import MetricLevel
from attribution.sync.pull import COLUMNS, KEY_COLUMNS, METRIC_COLUMNS, METRICS

MONEY = {column for column, money in METRICS.values() if money}
KEY = ", ".join(KEY_COLUMNS)
KEY_JOIN = " AND ".join(f"d.{c} = s.{c}" for c in KEY_COLUMNS)
METRICS_D = ", ".join(f"d.{c}" for c in METRIC_COLUMNS)
METRICS_S = ", ".join(f"s.{c}" for c in METRIC_COLUMNS)


def _column_type(column: str) -> str:
    if column == "date":
        return "date"
    if column in MONEY:
        return "numeric(14,2)"
    if column in METRIC_COLUMNS:
        return "integer"
    return "text"


def _changes(old: str, new: str, *, only_nonzero: str | None = None) -> str:
    """SQL for a jsonb object {field: [old, new]} of the fields that differ."""
    parts = []
    for c in METRIC_COLUMNS:
        o = f"{old}.{c}" if old else "0"
        n = f"{new}.{c}" if new else "0"
        cast = "::text" if c in MONEY else ""
        differs = f"{o} <> {n}" if not only_nonzero else f"{only_nonzero}.{c} <> 0"
        parts.append(f"'{c}', CASE WHEN {differs} THEN jsonb_build_array({o}{cast}, {n}{cast}) END")
    return f"jsonb_strip_nulls(jsonb_build_object({', '.join(parts)}))"


_REVISION_COLUMNS = (
    "organization_id, store_id, sync_run_id, date, level, amazon_campaign_id, "
    "amazon_adgroup_id, amazon_creative_id, publisher, kind, changes, created_at"
)


log = logging.getLogger(__name__)

# What a pull may not lower by more than SYNC_HOLD_PERCENT without a person's say-so.
GUARDED = ("clicks", "sales", "total_sales")


@dataclass
class LevelImpact:
    """What a pull would do to one level of the window: rows before, after and removed;
    per guarded metric the totals before and after, and what it would remove or reduce
    (the sum of every row's decrease, whatever other rows gain)."""

    rows_before: int = 0
    rows_after: int = 0
    rows_removed: int = 0
    before: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(GUARDED, Decimal(0)))
    after: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(GUARDED, Decimal(0)))
    lost: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(GUARDED, Decimal(0)))


@dataclass
class Impact:
    levels: dict[str, LevelImpact]
    # The pull's own totals per level and day: {level: {"2026-10-20": [clicks, sales, ...]}}
    days: dict[str, dict[str, list[Decimal]]]


@dataclass
class WriteStats:
    inserted: int = 0
    updated: int = 0
    removed: int = 0
    revisions: int = 0
    impact: Impact | None = None
    held: bool = False  # the caller declined the impact: nothing was written
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, for bench/ingest

    def lap(self, stage: str, started: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] = now - started
        return now


def apply_pull(
    *,
    organization_id: int,
    store_id: int,
    run_id: int,
    start: date,
    end: date,
    rows_csv: IO[str],
    previously_synced_through: date | None,
    accept: Callable[[Impact], bool] | None = None,
) -> WriteStats:
    """Stage the pull, measure it, and unless `accept(impact)` says no, write it."""
    stats = WriteStats()
    t = time.perf_counter()
    params: dict[str, Any] = {
        "org": organization_id,
        "store": store_id,
        "run": run_id,
        "start": start,
        "end": end,
        "through": previously_synced_through,
    }
    with connection.cursor() as cur:
        # Serialise writers of one store (the lease already keeps pulls apart).
        cur.execute("SELECT id FROM attribution_store WHERE id = %s FOR UPDATE", [store_id])
        cur.execute("DROP TABLE IF EXISTS sync_staging; DROP TABLE IF EXISTS sync_rows")
        cur.execute(
            "CREATE TEMP TABLE sync_staging ("
            + ", ".join(f"{c} {_column_type(c)}" for c in COLUMNS)
            + ") ON COMMIT DROP"
        )
        text_keys = ", ".join(c for c in KEY_COLUMNS if _column_type(c) == "text")
        cur.copy_expert(
            f"COPY sync_staging ({', '.join(COLUMNS)}) FROM STDIN "
            f"WITH (FORMAT csv, FORCE_NOT_NULL ({text_keys}))",
            rows_csv,
        )
        t = stats.lap("copy", t)
        # One row per Amazon key (a repeated key would be summed rather than fail the sync).
        sums = ", ".join(f"sum({c})::{_column_type(c)} AS {c}" for c in METRIC_COLUMNS)
        cur.execute(
            f"CREATE TEMP TABLE sync_rows ON COMMIT DROP AS "
            f"SELECT {KEY}, {sums} FROM sync_staging "
            f"WHERE date BETWEEN %(start)s AND %(end)s GROUP BY {KEY}",
            params,
        )
        # Indexed and analysed, so every join and anti-join below stays cheap whatever the
        # planner believes about the (possibly freshly loaded) facts table.
        cur.execute(f"CREATE INDEX ON sync_rows ({KEY})")
        cur.execute("ANALYZE sync_rows")
        t = stats.lap("stage", t)
        stats.impact = _impact(cur, params)
        t = stats.lap("impact", t)
        if accept is not None and not accept(stats.impact):
            stats.held = True
            return stats

        # Revisions: changed rows, then rows new on days we had already reported.
        cur.execute(
            f"INSERT INTO attribution_metricrevision ({_REVISION_COLUMNS}) "
            f"SELECT d.organization_id, d.store_id, %(run)s, d.date, d.level, d.amazon_campaign_id,"
            f" d.amazon_adgroup_id, d.amazon_creative_id, d.publisher, 'updated', "
            f"{_changes('d', 's')}, now() "
            f"FROM sync_rows s JOIN attribution_dailymetric d ON d.store_id = %(store)s "
            f"AND {KEY_JOIN} WHERE ({METRICS_D}) IS DISTINCT FROM ({METRICS_S})",
            params,
        )
        stats.revisions += cur.rowcount
        if previously_synced_through is not None:
            cur.execute(
                f"INSERT INTO attribution_metricrevision ({_REVISION_COLUMNS}) "
                f"SELECT %(org)s, %(store)s, %(run)s, s.date, s.level, s.amazon_campaign_id, "
                f"s.amazon_adgroup_id, s.amazon_creative_id, s.publisher, 'added', "
                f"{_changes('', 's', only_nonzero='s')}, now() FROM sync_rows s "
                f"WHERE s.date <= %(through)s AND NOT EXISTS (SELECT 1 FROM attribution_dailymetric"
                f" d WHERE d.store_id = %(store)s AND {KEY_JOIN})",
                params,
            )
            stats.revisions += cur.rowcount
        t = stats.lap("revisions", t)

        # Rows Amazon no longer returns for this window: removed, with a revision each.
        cur.execute(
            f"WITH gone AS (DELETE FROM attribution_dailymetric d WHERE d.store_id = %(store)s "
            f"AND d.date BETWEEN %(start)s AND %(end)s AND NOT EXISTS "
            f"(SELECT 1 FROM sync_rows s WHERE {KEY_JOIN}) RETURNING d.*), "
            f"rev AS (INSERT INTO attribution_metricrevision ({_REVISION_COLUMNS}) "
            f"SELECT g.organization_id, g.store_id, %(run)s, g.date, g.level, g.amazon_campaign_id,"
            f" g.amazon_adgroup_id, g.amazon_creative_id, g.publisher, 'removed', "
            f"{_changes('g', '', only_nonzero='g')}, now() FROM gone g RETURNING 1) "
            f"SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM rev)",
            params,
        )
        removed, removed_revisions = cur.fetchone()
        stats.removed, stats.revisions = removed, stats.revisions + removed_revisions
        t = stats.lap("delete", t)

        # The upsert: new rows inserted, changed rows updated, identical rows untouched.
        assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in METRIC_COLUMNS)
        excluded = ", ".join(f"EXCLUDED.{c}" for c in METRIC_COLUMNS)
        current = ", ".join(f"attribution_dailymetric.{c}" for c in METRIC_COLUMNS)
        cur.execute(
            f"WITH up AS (INSERT INTO attribution_dailymetric "
            f"(organization_id, store_id, {KEY}, {', '.join(METRIC_COLUMNS)}, updated_at) "
            f"SELECT %(org)s, %(store)s, {KEY}, {', '.join(METRIC_COLUMNS)}, now() FROM sync_rows "
            f"ON CONFLICT (store_id, level, date, amazon_campaign_id, amazon_adgroup_id, "
            f"amazon_creative_id, publisher) DO UPDATE SET {assignments}, updated_at = now() "
            f"WHERE ({current}) IS DISTINCT FROM ({excluded}) RETURNING (xmax = 0) AS inserted) "
            f"SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
            f"FROM up",
            params,
        )
        stats.inserted, stats.updated = cur.fetchone()
        stats.lap("upsert", t)
    log.debug("write stages: %s", stats.seconds)
    return stats


def _impact(cur: Any, params: dict[str, Any]) -> Impact:
    """Compare the staged pull (sync_rows) with the stored rows of the window, per level."""
    join = " AND ".join(f"o.{c} = n.{c}" for c in KEY_COLUMNS)
    sums = ", ".join(
        f"coalesce(sum(o.{m}), 0), coalesce(sum(n.{m}), 0), "
        f"coalesce(sum(greatest(coalesce(o.{m}, 0) - coalesce(n.{m}, 0), 0)), 0)"
        for m in GUARDED
    )
    cur.execute(
        f"SELECT coalesce(o.level, n.level), count(o.level), count(n.level), "
        f"count(*) FILTER (WHERE n.level IS NULL), {sums} "
        f"FROM (SELECT {KEY}, {', '.join(GUARDED)} FROM attribution_dailymetric "
        f"WHERE store_id = %(store)s AND date BETWEEN %(start)s AND %(end)s) o "
        f"FULL JOIN sync_rows n ON {join} GROUP BY 1",
        params,
    )
    levels = {level: LevelImpact() for level in MetricLevel.values}
    for level, before, after, removed, *totals in cur.fetchall():
        impact = levels.setdefault(level, LevelImpact())
        impact.rows_before, impact.rows_after, impact.rows_removed = before, after, removed
        for i, metric in enumerate(GUARDED):
            old, new, lost = totals[3 * i : 3 * i + 3]
            impact.before[metric], impact.after[metric] = Decimal(old), Decimal(new)
            impact.lost[metric] = Decimal(lost)
    cur.execute(
        f"SELECT level, date, {', '.join(f'sum({m})' for m in GUARDED)} FROM sync_rows "
        f"GROUP BY level, date ORDER BY level, date"
    )
    days: dict[str, dict[str, list[Decimal]]] = {level: {} for level in levels}
    for level, day, *totals in cur.fetchall():
        days.setdefault(level, {})[day.isoformat()] = [Decimal(v) for v in totals]
    return Impact(levels, days)
