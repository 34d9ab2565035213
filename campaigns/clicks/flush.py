"""From the Redis stream to PostgreSQL, in batches, exactly once.

`clicks_flush` reads the stream through the consumer group (first reclaiming entries another
reader left pending for too long, e.g. a worker that died), writes them with `clicks_write`,
then acknowledges and deletes them. `clicks_write` inserts events with
ON CONFLICT (click_id, occurred_at) DO NOTHING (the table is partitioned by month, so a
click's uniqueness includes its time, minted with the id by the redirect) and adds only the
rows it really inserted to the daily rollup, in the same transaction per tenant: a batch
delivered twice (crash between the insert and the XACK) writes nothing twice. A month without
a partition yet gets one first (campaigns.clicks.partitions)."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import redis
from django.db import connection
from psycopg2.extras import execute_values

from campaigns.clicks import keys, partitions
from campaigns.clicks.keys import ENTRY_FIELDS
from campaigns.models import AffiliateLink
from tenancy.scoping import tenant_scope

log = logging.getLogger(__name__)

BATCH = 2000  # entries per transaction: fewer commits and round trips (bench/clicks)
STALE_MS = 60_000
MAX_BATCHES = 20
MAX_SECONDS = 20.0


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


def _parse(fields: dict[Any, Any]) -> dict[str, str] | None:
    entry = {_text(k): _text(v) for k, v in (fields or {}).items()}
    if "c" in entry:  # the redirect's compact form (campaigns.clicks.handoff)
        values = entry["c"].split("|")
        if len(values) != len(ENTRY_FIELDS):
            return None
        entry = dict(zip(ENTRY_FIELDS, values, strict=True))
    try:
        uuid.UUID(entry["id"])
        int(entry["link"]), int(entry["org"]), float(entry["ts"])
    except (KeyError, ValueError):
        return None
    return entry


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


_INSERT = """
INSERT INTO campaigns_clickevent (organization_id, click_id, link_id, occurred_at, sub_id,
    ip_hash, ua_class, referrer_host, is_unique, is_bot, is_self)
VALUES %s
ON CONFLICT (click_id, occurred_at) DO NOTHING
RETURNING click_id
"""
_ROLLUP = """
INSERT INTO campaigns_linkclickdaily (organization_id, link_id, date, sub_id, clicks, raw_hits,
    bot_hits)
VALUES %s
ON CONFLICT (link_id, date, sub_id) DO UPDATE SET
    clicks = campaigns_linkclickdaily.clicks + EXCLUDED.clicks,
    raw_hits = campaigns_linkclickdaily.raw_hits + EXCLUDED.raw_hits,
    bot_hits = campaigns_linkclickdaily.bot_hits + EXCLUDED.bot_hits
"""


def clicks_write(entries: Iterable[dict[str, str]]) -> int:
    """Write parsed stream entries; returns how many events were new. Each tenant's events go
    in its own scope (row-level security); entries naming a link the tenant does not have are
    dropped."""
    by_org: dict[int, list[dict[str, str]]] = defaultdict(list)
    months = set()
    for entry in entries:
        by_org[int(entry["org"])].append(entry)
        months.add(partitions.month_of(datetime.fromtimestamp(float(entry["ts"]), UTC)))
    partitions.partitions_ensure(months)
    written = 0
    for organization_id, items in sorted(by_org.items()):
        written += _write_tenant(organization_id, items)
    return written


def _write_tenant(organization_id: int, items: list[dict[str, str]]) -> int:
    with tenant_scope(organization_id):
        link_ids = {int(e["link"]) for e in items}
        zones = {
            pk: _zone(tz)
            for pk, tz in AffiliateLink.objects.filter(pk__in=link_ids).values_list(
                "pk", "store__timezone"
            )
        }
        rows, by_id = [], {}
        for e in items:
            link_id = int(e["link"])
            if link_id not in zones:
                log.warning("dropping click %s for unknown link %s", e["id"], link_id)
                continue
            click_id = uuid.UUID(e["id"])
            if click_id in by_id:  # the same click twice in one batch: the first one counts
                continue
            occurred = datetime.fromtimestamp(float(e["ts"]), UTC)
            by_id[click_id] = (link_id, occurred, e)
            rows.append(
                (
                    organization_id,
                    str(click_id),
                    link_id,
                    occurred,
                    e.get("sub", "")[:64],
                    e.get("ip", "")[:64],
                    e.get("ua", "")[:8] or "browser",
                    e.get("ref", "")[:255],
                    e.get("u") == "1",
                    e.get("bot") == "1",
                    e.get("self") == "1",
                )
            )
        if not rows:
            return 0
        with connection.cursor() as cursor:
            inserted = execute_values(cursor, _INSERT, rows, page_size=1000, fetch=True)
            new_ids = {
                row[0] if isinstance(row[0], uuid.UUID) else uuid.UUID(row[0]) for row in inserted
            }
            totals: dict[tuple[int, Any, str], list[int]] = defaultdict(lambda: [0, 0, 0])
            for click_id in new_ids:
                link_id, occurred, e = by_id[click_id]
                day = occurred.astimezone(zones[link_id]).date()
                bot = e.get("bot") == "1"
                counted = [
                    int(not bot and e.get("u") == "1" and e.get("self") != "1"),
                    int(not bot),
                    int(bot),
                ]
                subs = ["", e["sub"]] if e.get("sub") else [""]
                for sub in subs:
                    bucket = totals[(link_id, day, sub)]
                    for i, n in enumerate(counted):
                        bucket[i] += n
            if totals:
                # Sorted, so concurrent flushes lock rollup rows in the same order.
                values = [
                    (organization_id, link_id, day, sub, *counts)
                    for (link_id, day, sub), counts in sorted(totals.items())
                ]
                execute_values(cursor, _ROLLUP, values, page_size=1000)
        return len(new_ids)


# --- reading the stream ------------------------------------------------------------------------


def ensure_group(client: redis.Redis) -> None:
    try:
        client.xgroup_create(keys.STREAM, keys.GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _claim_stale(client: redis.Redis, consumer: str, stale_ms: int, count: int) -> list:
    result = client.xautoclaim(
        keys.STREAM, keys.GROUP, consumer, min_idle_time=stale_ms, start_id="0-0", count=count
    )
    return list(result[1]) if result else []


def _read_new(client: redis.Redis, consumer: str, count: int) -> list:
    result: Any = client.xreadgroup(keys.GROUP, consumer, {keys.STREAM: ">"}, count=count)
    return list(result[0][1]) if result else []


def acknowledge(client: redis.Redis, ids: list[Any]) -> None:
    pipe = client.pipeline(transaction=True)
    pipe.xack(keys.STREAM, keys.GROUP, *ids)
    pipe.xdel(keys.STREAM, *ids)
    pipe.execute()


def clicks_flush(
    *,
    batch: int = BATCH,
    stale_ms: int = STALE_MS,
    max_batches: int = MAX_BATCHES,
    max_seconds: float = MAX_SECONDS,
    consumer: str | None = None,
) -> int:
    """Drain the stream in batches (bounded in count and time); returns entries processed."""
    client = keys.client()
    ensure_group(client)
    consumer = consumer or consumer_name()
    deadline = time.monotonic() + max_seconds
    processed = 0
    for _ in range(max_batches):
        messages = _claim_stale(client, consumer, stale_ms, batch) or _read_new(
            client, consumer, batch
        )
        if not messages:
            break
        ids, entries = [], []
        for message_id, fields in messages:
            ids.append(message_id)
            entry = _parse(fields) if fields else None
            if entry is None:
                log.warning("dropping unreadable click entry %s", message_id)
            else:
                entries.append(entry)
        clicks_write(entries)
        acknowledge(client, ids)
        processed += len(ids)
        if time.monotonic() > deadline:
            break
    return processed


def clicks_pending() -> int:
    """Entries in the stream not yet written (new or pending), for health and tests."""
    client = keys.client()
    try:
        return int(client.xlen(keys.STREAM))
    except redis.ResponseError:
        return 0
