"""``POST /attribution/report``: request validation, aggregation and cursor pagination."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .catalog import PUBLISHERS, Profile, product
from .clicks import Click
from .metrics import (
    PERFORMANCE_METRICS,
    PRODUCTS_METRICS,
    add_performance_event,
    add_product_event,
)
from .simulator import Journey

GROUP_DIMENSIONS = {
    "CREATIVE": ("campaignId", "adGroupId", "creativeId", "publisher"),
    "ADGROUP": ("campaignId", "adGroupId", "publisher"),
    "CAMPAIGN": ("campaignId",),
}
PRODUCT_DIMENSIONS = (
    "brandName",
    "marketplace",
    "productAsin",
    "productName",
    "productConversionType",
    "productCategory",
    "productSubcategory",
    "productGroup",
)
DEFAULT_COUNT = 1000
MAX_COUNT = 5000
PRODUCTS_HISTORY_DAYS = 90
PERFORMANCE_HISTORY_MONTHS = 13
_DATE_RE = re.compile(r"^\d{8}$")


class ReportError(ValueError):
    """A 400 for the report endpoint (MaaSError ``details``)."""


@dataclass(frozen=True)
class ReportRequest:
    """A validated report request."""

    report_type: str
    group_by: str
    start: date
    end: date
    count: int
    metrics: tuple[str, ...]
    advertiser_ids: tuple[str, ...]
    offset: int

    def signature(self, seed: int, profile_id: int, offset: int) -> str:
        """Binds a cursor to this request and position."""
        parts = (
            seed,
            profile_id,
            self.report_type,
            self.group_by,
            self.start,
            self.end,
            ",".join(self.metrics),
            ",".join(self.advertiser_ids),
            offset,
        )
        raw = "|".join(str(p) for p in parts).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()[:24]

    def cursor(self, seed: int, profile_id: int, offset: int) -> str:
        """Opaque JSON-ish cursor for the page starting at ``offset``."""
        page = offset // max(self.count, 1) + 1
        payload = {"page": page, "offset": offset, "key": self.signature(seed, profile_id, offset)}
        return json.dumps(payload, separators=(",", ":"))


def _months_ago(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    for dom in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, dom)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _parse_date(value: Any, name: str) -> date:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ReportError(f"{name} must be a string in YYYYMMDD format")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError as exc:
        raise ReportError(f"{name} is not a valid date: {value}") from exc


def _csv(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, str):
        raise ReportError(f"{name} must be a comma-delimited string")
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_request(body: Any, profile: Profile, today: date, seed: int) -> ReportRequest:
    """Validate a report body the way Amazon does (400 on anything off)."""
    if not isinstance(body, dict):
        raise ReportError("Request body must be a JSON object")
    report_type = body.get("reportType") or "PERFORMANCE"
    if report_type not in ("PERFORMANCE", "PRODUCTS"):
        raise ReportError(f"Invalid reportType: {report_type}")
    group_by = body.get("groupBy")
    if report_type == "PRODUCTS":
        if group_by not in (None, ""):
            raise ReportError("groupBy is not supported for reportType PRODUCTS")
        group_by = "ADGROUP"
    else:
        group_by = group_by or "CREATIVE"
        if group_by not in GROUP_DIMENSIONS:
            raise ReportError(f"Invalid groupBy: {group_by}")
    start = _parse_date(body.get("startDate"), "startDate")
    end = _parse_date(body.get("endDate"), "endDate")
    if end < start:
        raise ReportError("endDate must not be before startDate")
    if report_type == "PRODUCTS" and start < today - timedelta(days=PRODUCTS_HISTORY_DAYS):
        raise ReportError("startDate must be within the last 90 days for PRODUCTS reports")
    if start < _months_ago(today, PERFORMANCE_HISTORY_MONTHS):
        raise ReportError("startDate must be within the last 13 months")
    count = body.get("count", DEFAULT_COUNT)
    if count is None:
        count = DEFAULT_COUNT
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
        raise ReportError(f"count must be an integer between 1 and {MAX_COUNT}")
    allowed = PERFORMANCE_METRICS if report_type == "PERFORMANCE" else PRODUCTS_METRICS
    metrics = _csv(body.get("metrics"), "metrics")
    for name in metrics:
        if name not in allowed:
            raise ReportError(f"Invalid metric for {report_type} report: {name}")
    if not metrics:
        metrics = [m for m in allowed if m != "brb_bonus_amount"]
    if "brb_bonus_amount" in metrics and group_by not in ("CAMPAIGN", "ADGROUP"):
        raise ReportError("brb_bonus_amount is only supported with groupBy CAMPAIGN or ADGROUP")
    advertiser_ids = _csv(body.get("advertiserIds"), "advertiserIds")
    for adv in advertiser_ids:
        if adv != profile.advertiser_id:
            raise ReportError(f"Invalid advertiser identifier: {adv}")
    req = ReportRequest(
        report_type,
        group_by,
        start,
        end,
        count,
        tuple(dict.fromkeys(metrics)),
        tuple(advertiser_ids),
        0,
    )
    return _apply_cursor(req, body.get("cursorId"), seed, profile.profile_id)


def _apply_cursor(req: ReportRequest, cursor: Any, seed: int, profile_id: int) -> ReportRequest:
    if cursor in (None, ""):
        return req
    if not isinstance(cursor, str):
        raise ReportError("cursorId must be a string")
    try:
        data = json.loads(cursor)
        offset, key = data["offset"], data["key"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ReportError("Invalid cursorId") from exc
    if not isinstance(offset, int) or offset < 0 or key != req.signature(seed, profile_id, offset):
        raise ReportError("Invalid cursorId")
    return replace(req, offset=offset)


class _Row:
    __slots__ = ("dims", "values")

    def __init__(self, dims: dict[str, str]) -> None:
        self.dims = dims
        self.values: dict[str, int | float] = {}

    def add(self, metric: str, amount: int | float) -> None:
        self.values[metric] = self.values.get(metric, 0) + amount


def _fmt(value: int | float) -> str:
    return str(value)


def build_report(
    req: ReportRequest,
    profile: Profile,
    clicks: Iterable[Click],
    journey: Callable[[Click], Journey],
    now: datetime,
    seed: int,
) -> list[dict[str, str]]:
    """All report rows (ordered) for the requested window, as Amazon would show them at ``now``."""
    tz = ZoneInfo(profile.timezone)
    products_report = req.report_type == "PRODUCTS"
    dims = GROUP_DIMENSIONS[req.group_by]
    lifetime: dict[tuple[str, ...], int] = {}
    rows: dict[tuple[str, ...], _Row] = {}

    def row_for(click: Click, when: datetime, extra: tuple[str, ...] = ()) -> _Row | None:
        day = when.astimezone(tz).date()
        if not req.start <= day <= req.end:
            return None
        key = (day.strftime("%Y%m%d"), *_group_key(click, dims), *extra)
        row = rows.get(key)
        if row is None:
            row = rows[key] = _Row(dict(zip(("date", *dims), key[: 1 + len(dims)], strict=True)))
        return row

    ordered = sorted(
        (c for c in clicks if c.measured and c.advertiser_id == profile.advertiser_id),
        key=lambda c: (c.ts, c.id),
    )
    for click in ordered:
        trip = journey(click)
        if trip.visible_at > now:
            continue
        group = _group_key(click, dims)
        lifetime[group] = lifetime.get(group, 0) + 1
        if not products_report:
            row = row_for(click, click.ts)
            if row is not None:
                row.add("Click-throughs", 1)
        for event in trip.events:
            if event.visible_at > now:
                continue
            if products_report:
                kind = "Brand Halo" if event.halo else "Promoted"
                row = row_for(click, event.ts, (event.asin, kind))
                if row is not None:
                    add_product_event(row, event, now)
            else:
                row = row_for(click, event.ts)
                if row is not None:
                    add_performance_event(row, event, now)
    out = []
    for key in sorted(rows):
        row = rows[key]
        masked = lifetime.get(key[1 : 1 + len(dims)], 0) < 10
        record: dict[str, str] = {"date": row.dims["date"], "advertiserName": profile.name}
        record.update((d, _dimension(row.dims, d)) for d in dims)
        if products_report:
            record.update(_product_dims(profile, key[-2], key[-1], seed))
        for metric in req.metrics:
            record[metric] = "0" if masked else _fmt(row.values.get(metric, 0))
        out.append(record)
    return out


def _group_key(click: Click, dims: tuple[str, ...]) -> tuple[str, ...]:
    values = {
        "campaignId": click.campaign_id,
        "adGroupId": click.ad_group_id,
        "creativeId": click.creative_id,
        "publisher": click.publisher_id,
    }
    return tuple(values[d] for d in dims)


def _dimension(dims: dict[str, str], name: str) -> str:
    if name == "publisher":
        return PUBLISHERS[dims[name]].name
    return dims[name]


def _product_dims(profile: Profile, asin: str, kind: str, seed: int) -> dict[str, str]:
    item = product(seed, asin)
    return {
        "brandName": profile.name,
        "marketplace": profile.marketplace.domain.upper(),
        "productAsin": asin,
        "productName": item.name,
        "productConversionType": kind,
        "productCategory": item.category,
        "productSubcategory": item.subcategory,
        "productGroup": item.group,
    }


class ReportCache:
    """The last few built reports, so a report of many pages is built once, not once per page
    (building is O(clicks); 200,000 rows take seconds). The rows are shared: copy before
    changing them (`paginate` does). Keyed by the request without its
    position, the clock reading and the click list's identity and length (clicks are only
    ever appended, or the list replaced on reset), so any new click or tick rebuilds."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[Any, ...], list[dict[str, str]]] = OrderedDict()

    def rows(
        self,
        key: tuple[Any, ...],
        clicks: list[Click],
        build: Callable[[], list[dict[str, str]]],
    ) -> list[dict[str, str]]:
        full = (*key, id(clicks), len(clicks))
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                return self._entries[full]
        built = build()
        with self._lock:
            self._entries[full] = built
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return built


REPORT_CACHE = ReportCache()


def paginate(
    req: ReportRequest, rows: list[dict[str, str]], seed: int, profile_id: int
) -> dict[str, Any]:
    """One page of rows (copies: faults may change them) plus the next cursor (empty string on
    the last page)."""
    page = [dict(row) for row in rows[req.offset : req.offset + req.count]]
    next_offset = req.offset + req.count
    cursor = req.cursor(seed, profile_id, next_offset) if next_offset < len(rows) else ""
    return {"reports": page, "size": len(page), "cursorId": cursor}
