"""Pull: every page of the CREATIVE and ADGROUP reports for a window, parsed to integers and
Decimal money, spooled to a CSV file for COPY (memory stays flat whatever the size)."""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings

from attribution import amazon
from attribution.models import MetricLevel
from core.money import minor_unit, money_round_to

log = logging.getLogger(__name__)

# Amazon metric name -> (our column, money?)
METRICS: dict[str, tuple[str, bool]] = {
    "Click-throughs": ("clicks", False),
    "attributedDetailPageViewsClicks14d": ("detail_page_views", False),
    "attributedAddToCartClicks14d": ("add_to_cart", False),
    "attributedPurchases14d": ("purchases", False),
    "unitsSold14d": ("units_sold", False),
    "attributedSales14d": ("sales", True),
    "attributedTotalDetailPageViewsClicks14d": ("total_detail_page_views", False),
    "attributedTotalAddToCartClicks14d": ("total_add_to_cart", False),
    "attributedTotalPurchases14d": ("total_purchases", False),
    "totalUnitsSold14d": ("total_units_sold", False),
    "totalAttributedSales14d": ("total_sales", True),
    "brb_bonus_amount": ("brand_referral_bonus", True),
}
KEY_COLUMNS = [
    "level",
    "date",
    "amazon_campaign_id",
    "amazon_adgroup_id",
    "amazon_creative_id",
    "publisher",
]
METRIC_COLUMNS = [column for column, _ in METRICS.values()]
COLUMNS = KEY_COLUMNS + METRIC_COLUMNS
GROUP_BY = {MetricLevel.CREATIVE: "CREATIVE", MetricLevel.ADGROUP: "ADGROUP"}
PAGE_SIZE = 5000


# What the columns hold: integer (32-bit) counts, numeric(14,2) money.
MAX_COUNT = 2**31 - 1
MAX_MONEY = Decimal(10) ** 12


class UnreadableReport(amazon.AmazonError):
    """Amazon sent a value we cannot read or store (not a number, NaN, Infinity, out of
    range). The run fails with a message naming the field and writes nothing; it is not
    retried at once (the same report would come back), the next sync asks again."""

    def __init__(self, value: Any, expected: str, field: str = "") -> None:
        named = f" as {field}" if field else ""
        super().__init__(
            f"Amazon sent an unreadable report: {value!r}{named}, where {expected} was expected."
        )
        self.value, self.expected = value, expected

    def naming(self, field: str) -> UnreadableReport:
        return UnreadableReport(self.value, self.expected, field)


def parse_int(value: Any) -> int:
    try:
        number = Decimal(str(value or "0"))
    except InvalidOperation:
        raise UnreadableReport(value, "a count") from None
    if not number.is_finite() or abs(number) > MAX_COUNT:
        raise UnreadableReport(value, "a count")
    return int(number)


def parse_money(value: Any, places: int) -> Decimal:
    """ "191.95999999999998" -> Decimal("191.96"): parsed exactly, then rounded half-up to the
    currency's minor unit, the one place money is rounded. Decimal reads "NaN" and
    "Infinity" too: those (and amounts too large to store) are an unreadable report."""
    try:
        amount = Decimal(str(value or "0"))
    except InvalidOperation:
        raise UnreadableReport(value, "an amount") from None
    if not amount.is_finite() or abs(amount) >= MAX_MONEY:
        raise UnreadableReport(value, "an amount")
    rounded = money_round_to(amount, places)
    if abs(rounded) >= MAX_MONEY:
        raise UnreadableReport(value, "an amount")
    return rounded


def parse_date(value: str) -> date:
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except (TypeError, ValueError, IndexError):
        raise UnreadableReport(value, "a date (YYYYMMDD)", "date") from None


def row_values(level: str, row: dict[str, Any], places: int) -> list[Any]:
    day = parse_date(row.get("date", "")).isoformat()
    values: list[Any] = [
        level,
        day,
        str(row.get("campaignId") or ""),
        str(row.get("adGroupId") or ""),
        str(row.get("creativeId") or "") if level == MetricLevel.CREATIVE else "",
        str(row.get("publisher") or ""),
    ]
    for name, (column, money) in METRICS.items():
        raw = row.get(name)
        try:
            values.append(parse_money(raw, places) if money else parse_int(raw))
        except UnreadableReport as exc:
            raise exc.naming(f"{name} ({column}) on {day}") from None
    return values


@dataclass
class PullStats:
    pages: int = 0
    rows: int = 0
    retries: int = 0
    waits: list[float] = field(default_factory=list)


def report_body(level: str, start: date, end: date, advertiser_id: str) -> dict[str, Any]:
    metrics = [m for m in METRICS if m != "brb_bonus_amount" or level == MetricLevel.ADGROUP]
    body: dict[str, Any] = {
        "reportType": "PERFORMANCE",
        "groupBy": GROUP_BY[MetricLevel(level)],
        "startDate": start.strftime("%Y%m%d"),
        "endDate": end.strftime("%Y%m%d"),
        "count": PAGE_SIZE,
        "metrics": ",".join(metrics),
    }
    if advertiser_id:
        body["advertiserIds"] = advertiser_id
    return body


def pull(
    ads: amazon.AmazonAds,
    *,
    profile_id: int,
    advertiser_id: str,
    currency: str,
    start: date,
    end: date,
    out: IO[str],
    stats: PullStats,
    sleep: Callable[[float], None] = time.sleep,
    on_page: Callable[[], None] | None = None,
) -> None:
    """Write every row of both levels to `out` as CSV (COLUMNS order). Transient errors are
    retried here, page by page, resuming at the same cursor: waiting Retry-After when Amazon
    sends it, else backing off exponentially with jitter; up to SYNC_MAX_RETRIES in all.
    Terminal errors (and an exhausted budget) propagate and the caller writes nothing."""
    writer = csv.writer(out)
    places = minor_unit(currency)
    for level in (MetricLevel.ADGROUP, MetricLevel.CREATIVE):
        body = report_body(level, start, end, advertiser_id)
        cursor: str | None = ""
        attempt = 0
        while True:
            try:
                rows, next_cursor = ads.report_page(profile_id, body, cursor)
            except amazon.AmazonRetryable as exc:
                attempt += 1
                stats.retries += 1
                if stats.retries > settings.SYNC_MAX_RETRIES:
                    raise
                wait = min(exc.wait_seconds(attempt), settings.SYNC_MAX_WAIT_SECONDS)
                stats.waits.append(wait)
                log.warning("sync of profile %s: %s; retrying in %.1fs", profile_id, exc, wait)
                sleep(wait)
                continue
            attempt = 0
            stats.pages += 1
            for row in rows:
                writer.writerow(row_values(level, row, places))
            stats.rows += len(rows)
            if on_page:
                on_page()
            if not next_cursor:
                break
            cursor = next_cursor
