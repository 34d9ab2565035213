"""Reading the audit trail: the events of every tracked model, newest first, as one list with
filters (what, who, which object, a date range) and a keyset cursor, however many rows the
event tables hold (each branch reads its table's (organisation, time) index, LIMIT pushed in).

Raw SQL over the event tables of the tenant in scope: the organisation filter is explicit, and
row-level security stands behind it."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from audit.tracking import REGISTRY, Tracked
from tenancy.scoping import current_tenant_id

# Who acted: a member ("user:<id>"), an API key, or the system (tasks, commands, none).
ACTOR_API = "api"
ACTOR_SYSTEM = "system"


@dataclass(frozen=True)
class ActivityFilter:
    kinds: tuple[str, ...] = ()  # empty: every tracked kind
    actor: str = ""  # "", "user:<id>", "api", "system"
    object_id: int | None = None  # with exactly one kind
    start: date | None = None  # inclusive, days in TIME_ZONE
    end: date | None = None  # inclusive

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(REGISTRY)
        if unknown:
            raise ValueError(f"Unknown kinds: {sorted(unknown)}")
        if self.object_id is not None and len(self.kinds) != 1:
            raise ValueError("An object filter needs exactly one kind.")


Cursor = tuple[datetime, str, int]  # (time, kind, event id) of the last row shown


@dataclass
class ActivityEvent:
    tracked: Tracked
    event_id: int
    at: datetime
    label: str  # created, changed, removed
    object_id: int
    diff: dict[str, list[str | None]]
    row: dict[str, Any]  # the event row: the snapshot after the change
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.tracked.kind

    @property
    def cursor(self) -> Cursor:
        return (self.at, self.kind, self.event_id)

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.event_id}"


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _branch(
    tracked: Tracked, flt: ActivityFilter, before: Cursor | None, limit: int
) -> tuple[str, list[Any]]:
    table = tracked.event_model._meta.db_table
    where = ["e.organization_id = %s"]
    params: list[Any] = [current_tenant_id()]
    if flt.object_id is not None:
        where.append("e.pgh_obj_id = %s")
        params.append(flt.object_id)
    if flt.start:
        where.append("e.pgh_created_at >= %s")
        params.append(_day_start(flt.start))
    if flt.end and flt.end < date.max:
        where.append("e.pgh_created_at < %s")
        params.append(_day_start(flt.end + timedelta(days=1)))
    if flt.actor.startswith("user:"):
        where.append("e.pgh_context ->> 'user' = %s")
        params.append(flt.actor.removeprefix("user:"))
    elif flt.actor == ACTOR_API:
        where.append("jsonb_exists(e.pgh_context, 'api_key')")
    elif flt.actor == ACTOR_SYSTEM:
        where.append(
            "NOT (jsonb_exists(COALESCE(e.pgh_context, '{}'::jsonb), 'user')"
            " OR jsonb_exists(COALESCE(e.pgh_context, '{}'::jsonb), 'api_key'))"
        )
    if before is not None:
        where.append("(e.pgh_created_at, %s::text, e.pgh_id) < (%s, %s::text, %s)")
        params += [tracked.kind, before[0], before[1], before[2]]
    sql = (
        f"(SELECT %s::text AS kind, e.pgh_id, e.pgh_created_at, to_jsonb(e)::text AS row "
        f'FROM "{table}" e WHERE {" AND ".join(where)} '
        f"ORDER BY e.pgh_created_at DESC, e.pgh_id DESC LIMIT %s)"
    )
    return sql, [tracked.kind, *params, limit]


def activity_page(
    flt: ActivityFilter, *, before: Cursor | None = None, size: int = 50
) -> tuple[list[ActivityEvent], bool]:
    """One page of events, newest first, and whether older ones exist. `before`: the cursor
    of the last event of the previous page."""
    kinds = flt.kinds or tuple(REGISTRY)
    branches = [_branch(REGISTRY[k], flt, before, size + 1) for k in kinds]
    sql = (
        "SELECT kind, pgh_id, pgh_created_at, row FROM ("
        + " UNION ALL ".join(b[0] for b in branches)
        + ") AS events ORDER BY pgh_created_at DESC, kind DESC, pgh_id DESC LIMIT %s"
    )
    params = [p for b in branches for p in b[1]] + [size + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    events = [_event(kind, raw) for kind, _id, _at, raw in rows[:size]]
    return events, len(rows) > size


def activity_iter(flt: ActivityFilter, *, chunk: int = 500) -> Iterator[ActivityEvent]:
    """Every matching event, newest first, a page at a time (the CSV)."""
    before: Cursor | None = None
    while True:
        events, more = activity_page(flt, before=before, size=chunk)
        yield from events
        if not more or not events:
            return
        before = events[-1].cursor


def _event(kind: str, raw: Any) -> ActivityEvent:
    row = json.loads(raw, parse_float=Decimal) if isinstance(raw, str | bytes) else raw
    at = datetime.fromisoformat(row["pgh_created_at"])
    return ActivityEvent(
        tracked=REGISTRY[kind],
        event_id=int(row["pgh_id"]),
        at=at,
        label=row["pgh_label"],
        object_id=int(row["pgh_obj_id"]),
        diff=row.get("pgh_diff") or {},
        row=row,
        context=row.get("pgh_context") or {},
    )


def activity_object_ids(events: Iterable[ActivityEvent]) -> dict[str, set[int]]:
    ids: dict[str, set[int]] = {}
    for e in events:
        ids.setdefault(e.kind, set()).add(e.object_id)
    return ids


def cursor_encode(cursor: Cursor) -> str:
    raw = f"{cursor[0].isoformat()}|{cursor[1]}|{cursor[2]}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(text: str) -> Cursor:
    """The cursor of `cursor_encode`; ValueError when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        at, kind, event_id = raw.split("|")
        moment = datetime.fromisoformat(at)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("Invalid cursor.") from exc
    if kind not in REGISTRY or moment.tzinfo is None or not event_id.isdigit():
        raise ValueError("Invalid cursor.")
    return moment, kind, int(event_id)
