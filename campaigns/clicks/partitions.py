"""Monthly partitions of the click events (`campaigns_clickevent`).

The table is partitioned by range on `occurred_at`, one partition per UTC calendar month,
named `campaigns_clickevent_pYYYYMM`. Every partition gets row-level security of its own
(ENABLE + FORCE + the tenant policy): a query through the parent is bound by the parent's
policy, but a query naming a partition directly is bound only by the partition's.

- The scheduler (`partitions_maintain`, daily) creates the partitions of this month and
  `MONTHS_AHEAD` months ahead (idempotent), so the flush never waits on DDL; the flush still
  creates a missing one itself (`partitions_ensure`), e.g. for a click that waited in the
  stream across a month boundary on a cluster whose scheduler was down.
- Raw events are kept `CLICK_EVENTS_RETENTION_MONTHS` months (default 13): a partition whose
  whole month ended longer ago than that is dropped, one partition at a time, and only after
  `partition_unrolled` proves that the daily rollup (`campaigns_linkclickdaily`, kept forever)
  already holds every click of it. The flush writes events and rollup in one transaction, so it
  always does; the check guards against anything else (a hand-written insert, a restored
  dump), and a partition that fails it stays, with an error in the log.

The constraints of a partitioned table must include the partition key: the primary key is
(id, occurred_at) and a click is unique by (click_id, occurred_at). Both halves are minted
together by the redirect, so a redelivered stream entry still collides with its first write.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from tenancy.rls import policy_sql
from tenancy.tasks import for_each_tenant

log = logging.getLogger(__name__)

TABLE = "campaigns_clickevent"
MONTHS_AHEAD = 3
DEFAULT_RETENTION_MONTHS = 13
_NAME_RE = re.compile(rf"^{TABLE}_p(\d{{4}})(\d{{2}})$")
# Serialises partition DDL between the scheduler and flushes (pg_advisory_xact_lock key).
_LOCK_KEY = 0x636C69636B73  # "clicks"


@dataclass(frozen=True)
class Partition:
    name: str
    month: date  # the first day of its UTC month

    @property
    def start(self) -> datetime:
        return datetime(self.month.year, self.month.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        following = add_months(self.month, 1)
        return datetime(following.year, following.month, 1, tzinfo=UTC)


def month_of(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC).date()
    return moment.replace(day=1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_p{month.year:04d}{month.month:02d}"


def retention_months() -> int:
    return max(1, int(getattr(settings, "CLICK_EVENTS_RETENTION_MONTHS", DEFAULT_RETENTION_MONTHS)))


# --- creating ----------------------------------------------------------------------------------


def _create(cursor: Any, month: date) -> bool:
    """Create the month's partition with its row-level security unless it exists (the caller
    holds the advisory lock). Returns whether it created one."""
    name = partition_name(month)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return False
    part = Partition(name, month)
    cursor.execute(
        f'CREATE TABLE "{name}" PARTITION OF "{TABLE}" FOR VALUES FROM (%s) TO (%s)',
        [part.start.isoformat(), part.end.isoformat()],
    )
    cursor.execute(policy_sql(name))
    log.info("created click partition %s", name)
    return True


def partitions_ensure(months: set[date] | list[date]) -> list[str]:
    """Make sure the partitions of these months exist (each with row-level security); one
    short transaction of its own. Returns the names it created."""
    wanted = sorted({month_of(m) for m in months})
    if not wanted:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM unnest(%s::text[]) AS n WHERE to_regclass(n) IS NULL",
            [[partition_name(m) for m in wanted]],
        )
        if cursor.fetchone()[0] == 0:
            return []
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        for month in wanted:
            if _create(cursor, month):
                created.append(partition_name(month))
    return created


def partitions_ensure_ahead(
    today: date | None = None, months_ahead: int = MONTHS_AHEAD
) -> list[str]:
    current = month_of(today or datetime.now(UTC))
    return partitions_ensure([add_months(current, n) for n in range(months_ahead + 1)])


def partitions_list() -> list[Partition]:
    """The partitions attached to the click table, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = []
    for name in names:
        match = _NAME_RE.match(name)
        if match:
            found.append(Partition(name, date(int(match[1]), int(match[2]), 1)))
    return sorted(found, key=lambda p: p.month)


# --- dropping ----------------------------------------------------------------------------------

# The events of one tenant on every local day that touches [start, end), counted as the flush
# counts them into the rollup (campaigns.clicks.flush), against the rollup rows of those days;
# returns the keys whose rollup holds fewer. The window is two days wider on each side so every
# such local day (UTC-12 to UTC+14) is counted whole.
_UNROLLED = """
WITH ev AS (
    SELECT e.link_id, e.sub_id, e.is_bot, e.is_unique, e.is_self, e.occurred_at,
           (e.occurred_at AT TIME ZONE COALESCE(NULLIF(s.timezone, ''), 'UTC'))::date AS day
    FROM campaigns_clickevent e
    JOIN campaigns_affiliatelink l ON l.id = e.link_id
    JOIN attribution_store s ON s.id = l.store_id
    WHERE e.occurred_at >= %(lo)s AND e.occurred_at < %(hi)s
), touched AS (
    SELECT DISTINCT link_id, day FROM ev WHERE occurred_at >= %(start)s AND occurred_at < %(end)s
), counted AS (
    SELECT ev.link_id, ev.day, sub.sub_id,
           count(*) FILTER (WHERE NOT ev.is_bot AND ev.is_unique AND NOT ev.is_self) AS clicks,
           count(*) FILTER (WHERE NOT ev.is_bot) AS raw_hits,
           count(*) FILTER (WHERE ev.is_bot) AS bot_hits
    FROM ev
    JOIN touched USING (link_id, day)
    CROSS JOIN LATERAL (
        SELECT ''::varchar AS sub_id
        UNION ALL SELECT ev.sub_id WHERE ev.sub_id <> ''
    ) AS sub
    GROUP BY ev.link_id, ev.day, sub.sub_id
)
SELECT c.link_id, c.day, c.sub_id, c.clicks, c.raw_hits, c.bot_hits,
       COALESCE(r.clicks, 0), COALESCE(r.raw_hits, 0), COALESCE(r.bot_hits, 0)
FROM counted c
LEFT JOIN campaigns_linkclickdaily r
    ON r.link_id = c.link_id AND r.date = c.day AND r.sub_id = c.sub_id
WHERE r.id IS NULL OR r.clicks < c.clicks OR r.raw_hits < c.raw_hits OR r.bot_hits < c.bot_hits
ORDER BY c.link_id, c.day, c.sub_id
"""


def partition_unrolled(partition: Partition, limit: int = 20) -> list[tuple[int, tuple]]:
    """(organisation id, row) for rollup rows that hold fewer clicks than the partition's
    events add up to (at most `limit`); empty means dropping it loses nothing. Reads each
    tenant in its own scope (row-level security shows one tenant at a time)."""
    params = {
        "start": partition.start,
        "end": partition.end,
        "lo": partition.start - timedelta(days=2),
        "hi": partition.end + timedelta(days=2),
    }
    problems: list[tuple[int, tuple]] = []
    for organization_id in for_each_tenant():
        with connection.cursor() as cursor:
            cursor.execute(_UNROLLED, params)
            problems.extend((organization_id, row) for row in cursor.fetchmany(limit))
        if len(problems) >= limit:
            break
    return problems[:limit]


def partitions_expired(now: datetime | None = None) -> list[Partition]:
    """Partitions whose whole month ended more than the retention ago, oldest first."""
    now = now or datetime.now(UTC)
    months = retention_months()
    cutoff_month = add_months(month_of(now), -months)
    # ends on or before the same day-of-month `months` ago: compare the partition's end with
    # `now` moved back by whole months (clamped to the month's length)
    day = min(now.day, (add_months(cutoff_month, 1) - timedelta(days=1)).day)
    cutoff = now.astimezone(UTC).replace(year=cutoff_month.year, month=cutoff_month.month, day=day)
    return [p for p in partitions_list() if p.end <= cutoff]


def partition_drop(partition: Partition) -> bool:
    """Drop one partition if the rollup holds all its clicks; returns whether it did."""
    problems = partition_unrolled(partition)
    if problems:
        log.error(
            "keeping click partition %s: the daily rollup lacks clicks of it "
            "(organisation, (link, day, sub-id, events' clicks/raw/bot, rollup's)): %s",
            partition.name,
            problems,
        )
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        # Waits at most this long for the flushes' locks, then gives up until tomorrow.
        cursor.execute("SET LOCAL lock_timeout = '10s'")
        # deferred foreign-key checks of this transaction's earlier writes run now, not at
        # commit: a table with pending trigger events cannot be dropped
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'ALTER TABLE "{TABLE}" DETACH PARTITION "{partition.name}"')
        cursor.execute(f'DROP TABLE "{partition.name}"')
    log.info("dropped click partition %s", partition.name)
    return True


def partitions_maintain(now: datetime | None = None) -> dict[str, list[str]]:
    """The daily job: partitions ahead, then the expired ones dropped one at a time."""
    now = now or datetime.now(UTC)
    created = partitions_ensure_ahead(now.date())
    dropped: list[str] = []
    kept: list[str] = []
    for partition in partitions_expired(now):
        (dropped if partition_drop(partition) else kept).append(partition.name)
    return {"created": created, "dropped": dropped, "kept": kept}
