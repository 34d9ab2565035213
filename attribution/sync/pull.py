"""Pull: every page of the CREATIVE and ADGROUP reports for a window, parsed to integers and
Decimal money, each page handed to a checkpoint as CSV as it arrives (attribution.sync.
checkpoint keeps them in the database, so memory stays flat and a pull that stops part-way
resumes at the next page).

Amazon's trouble is handled per page: a page that fails is retried at the same cursor,
waiting Retry-After when Amazon sends it, else backing off exponentially with jitter, until
SYNC_MAX_RETRIES failures in a row; repeated server errors on a page halve the page size
(Amazon has accounts where ADGROUP/CREATIVE calls keep failing at large `count`) down to
MIN_PAGE_SIZE before giving up. Above it all, the run's deadline: past it, the pull stops
between pages (what it pulled is kept) and the next attempt resumes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

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
PAGE_SIZE = 5000  # Amazon's maximum `count`
MIN_PAGE_SIZE = 100  # halving stops here
HALVE_AFTER = 2  # server errors in a row on one page before its size is halved
HALVE_ON = {500, 502, 504}  # 503 and 429 say "later", not "smaller"


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
    pages: int = 0  # pages of the pull, those resumed from earlier attempts included
    rows: int = 0
    retries: int = 0  # failed calls retried, in this attempt
    resumed: int = 0  # pages pulled by earlier attempts
    waits: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class LevelProgress:
    """Where a level's pull stands: the next page's number, cursor and size."""

    seq: int = 0
    cursor: str = ""
    page_size: int | None = None
    done: bool = False
    rows: int = 0


class Checkpoint(Protocol):
    """Where pages go as they arrive (attribution.sync.checkpoint.DatabaseCheckpoint)."""

    def progress(self, level: str, request_key: str) -> LevelProgress: ...

    def restart(self, level: str) -> None: ...

    def save(
        self,
        *,
        level: str,
        seq: int,
        request_key: str,
        cursor: str,
        next_cursor: str,
        page_size: int,
        rows_csv: str,
        row_count: int,
    ) -> None: ...


class Deadline:
    """The run's time budget, on the monotonic clock (`now` can be replaced in tests)."""

    def __init__(self, seconds: float, now: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.now = seconds, now
        self.ends = now() + seconds

    def remaining(self) -> float:
        return self.ends - self.now()


class PullStopped(amazon.AmazonRetryable):
    """The run's deadline came before the pull finished; its pages are kept and the next
    attempt (the task's retry, or the next sync of the same days) resumes from them."""


class PageFailed(amazon.AmazonRetryable):
    """One page kept failing through the per-page budget; the pages before it are kept."""


LEVEL_NAMES = {MetricLevel.ADGROUP: "creator (ad group)", MetricLevel.CREATIVE: "link (creative)"}


def report_body(
    level: str, start: date, end: date, advertiser_id: str, count: int | None = None
) -> dict[str, Any]:
    metrics = [m for m in METRICS if m != "brb_bonus_amount" or level == MetricLevel.ADGROUP]
    body: dict[str, Any] = {
        "reportType": "PERFORMANCE",
        "groupBy": GROUP_BY[MetricLevel(level)],
        "startDate": start.strftime("%Y%m%d"),
        "endDate": end.strftime("%Y%m%d"),
        "count": count or PAGE_SIZE,
        "metrics": ",".join(metrics),
    }
    if advertiser_id:
        body["advertiserIds"] = advertiser_id
    return body


def request_key(body: dict[str, Any]) -> str:
    """The report request without its position and page size: pages with the same key are
    pages of the same report."""
    same = {k: v for k, v in body.items() if k not in ("count", "cursorId")}
    return hashlib.sha256(json.dumps(same, sort_keys=True).encode()).hexdigest()


def rows_csv(level: str, rows: list[dict[str, Any]], places: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(row_values(level, row, places))
    return out.getvalue()


def pull(
    ads: amazon.AmazonAds,
    *,
    profile_id: int,
    advertiser_id: str,
    currency: str,
    start: date,
    end: date,
    checkpoint: Checkpoint,
    stats: PullStats,
    deadline: Deadline,
    sleep: Callable[[float], None] = time.sleep,
    on_page: Callable[[], None] | None = None,
) -> None:
    """Pull both levels into `checkpoint`, continuing where it stands (see the module
    docstring). Raises PageFailed (budget spent on one page), PullStopped (deadline) or
    a terminal AmazonError; pages already saved stay saved."""
    places = minor_unit(currency)
    for level in (MetricLevel.ADGROUP, MetricLevel.CREATIVE):
        body = report_body(level, start, end, advertiser_id)
        # Metrics Amazon refused for the store are left out by the client: another request.
        left_out = sorted(ads.left_out.names) if ads.left_out is not None else []
        key = request_key({**body, "leftOut": left_out})
        at = checkpoint.progress(level, key)
        stats.pages += at.seq
        stats.rows += at.rows
        stats.resumed += at.seq
        if at.done:
            continue
        _pull_level(
            ads,
            level=level,
            body=body,
            key=key,
            at=at,
            profile_id=profile_id,
            places=places,
            checkpoint=checkpoint,
            stats=stats,
            deadline=deadline,
            sleep=sleep,
            on_page=on_page,
        )


def _pull_level(
    ads: amazon.AmazonAds,
    *,
    level: str,
    body: dict[str, Any],
    key: str,
    at: LevelProgress,
    profile_id: int,
    places: int,
    checkpoint: Checkpoint,
    stats: PullStats,
    deadline: Deadline,
    sleep: Callable[[float], None],
    on_page: Callable[[], None] | None,
) -> None:
    name = LEVEL_NAMES[MetricLevel(level)]
    size = at.page_size or PAGE_SIZE
    seq, cursor, resumed_cursor = at.seq, at.cursor, bool(at.cursor)
    failures = server_errors = 0
    while True:
        if deadline.remaining() <= 0:
            raise PullStopped(_stopped(deadline, stats))
        if on_page:
            on_page()  # renews the lease before a call that may take the whole timeout
        try:
            rows, next_cursor = ads.report_page(profile_id, {**body, "count": size}, cursor)
        except amazon.AmazonRequestError:
            if not resumed_cursor:
                raise
            # The cursor an earlier attempt saved is no longer accepted: start the level over.
            stats.notes.append(f"Amazon no longer accepted the saved cursor: {name} restarted.")
            checkpoint.restart(level)
            stats.pages -= seq
            stats.resumed -= seq
            stats.rows -= at.rows
            seq, cursor, resumed_cursor = 0, "", False
            continue
        except amazon.AmazonRetryable as exc:
            failures += 1
            stats.retries += 1
            if exc.status in HALVE_ON:
                server_errors += 1
            if server_errors >= HALVE_AFTER and size > MIN_PAGE_SIZE:
                size = max(MIN_PAGE_SIZE, size // 2)
                failures = server_errors = 0
                stats.notes.append(
                    f"Amazon kept failing ({exc.status}) on {name} pages: page size "
                    f"lowered to {size:,}."
                )
            elif failures > settings.SYNC_MAX_RETRIES:
                raise PageFailed(
                    f"Amazon stayed unavailable after {stats.retries} retries ({failures} in "
                    f"a row on page {seq + 1} of the {name} report): {exc.message} The "
                    f"{stats.pages} page(s) pulled so far are kept; the next attempt resumes "
                    "from there.",
                    status=exc.status,
                    retry_after=exc.retry_after,
                ) from exc
            wait = min(exc.wait_seconds(failures), settings.SYNC_MAX_WAIT_SECONDS)
            if wait >= deadline.remaining():
                raise PullStopped(_stopped(deadline, stats)) from exc
            stats.waits.append(wait)
            log.warning("sync of profile %s: %s; retrying in %.1fs", profile_id, exc, wait)
            sleep(wait)
            continue
        resumed_cursor = False
        failures = server_errors = 0
        text = rows_csv(level, rows, places)
        checkpoint.save(
            level=level,
            seq=seq,
            request_key=key,
            cursor=cursor,
            next_cursor=next_cursor or "",
            page_size=size,
            rows_csv=text,
            row_count=len(rows),
        )
        seq += 1
        stats.pages += 1
        stats.rows += len(rows)
        if not next_cursor:
            return
        cursor = next_cursor


def _stopped(deadline: Deadline, stats: PullStats) -> str:
    return (
        f"The sync stopped at its deadline ({deadline.seconds / 60:.0f} min) with "
        f"{stats.pages} page(s) pulled; they are kept and the next attempt resumes from there."
    )
