"""The creator's own earnings as CSV, streamed: one line per conversion and one per adjustment
on it, so returns (clawbacks) read as lines of their own.

Cells are safe to open in a spreadsheet: text that would start a formula gets a leading
apostrophe (core.csvsafe). Amounts are written as numbers and left alone, so a clawback
stays -2.50 and sums; defusedcsv was considered but turns negative amounts into text and
leaves tab and CR alone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from commissions.selectors.earnings import EarningLine, earnings_page
from core.csv import csv_stream, neutralise
from tenancy.models import Organization
from tenancy.scoping import tenant_scope

COLUMNS = (
    "brand",
    "sale_date",
    "line",
    "recorded_on",
    "campaign",
    "store",
    "currency",
    "status",
    "settles_on",
    "decided_on",
    "paid_on",
    "purchases",
    "units_sold",
    "sales",
    "commission_rate",
    "commission",
    "amount",
    "note",
)
PAGE = 500


def safe_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def _rows(brand: str, line: EarningLine) -> Iterator[list[Any]]:
    c = line.conversion
    denied = not c.is_owing  # what is owed: commissions.models
    yield [
        brand,
        c.date,
        "Conversion",
        c.created_at,
        c.campaign.name,
        str(c.store),
        c.currency,
        c.get_status_display(),
        c.settles_on,
        c.decided_at,
        c.paid_at,
        c.purchases,
        c.units_sold,
        c.sales,
        c.commission_rate,
        c.commission,
        Decimal("0.00") if denied else c.commission,
        c.decision_reason,
    ]
    for a in line.adjustments:
        counts = a.is_on_top and not denied
        yield [
            brand,
            c.date,
            a.get_kind_display(),
            a.created_at,
            c.campaign.name,
            str(c.store),
            c.currency,
            c.get_status_display(),
            c.settles_on,
            None,
            None,
            a.purchases,
            a.units_sold,
            a.sales,
            None,
            a.commission,
            a.commission if counts else Decimal("0.00"),
            "Already included in the conversion's commission" if a.included else "",
        ]


def earnings_csv(*, organization_id: int, creator_id: int) -> Iterator[bytes]:
    """The CSV of one creator profile's earnings (with a BOM: spreadsheets then read UTF-8).
    Reads page by page, each page in its own tenant scope, so the response can stream after
    the request's transaction has ended. The caller has checked that the profile is the
    signed-in account's."""
    brand = Organization.objects.get(pk=organization_id).name

    def rows() -> Iterator[list[Any]]:
        after: tuple[date, int] | None = None
        while True:
            with tenant_scope(organization_id):
                page = earnings_page(creator_id=creator_id, after=after, size=PAGE)
            for line in page:
                for row in _rows(brand, line):
                    yield [safe_cell(v) for v in row]
            if len(page) < PAGE:
                return
            last = page[-1].conversion
            after = (last.date, last.pk)

    return csv_stream(COLUMNS, rows(), bom=True)
