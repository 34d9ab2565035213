"""The export's CSV: fixed columns, dates as YYYY-MM-DD, money with exactly the currency's
decimals (no thousands separators), conversion rate with two decimals, and every text cell a
spreadsheet would run as a formula neutralised (core.csvsafe). Written in chunks for a
streaming response."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from attribution.models import Store
from core.csv import csv_stream, neutralise
from core.money import minor_unit, money_text_to
from reporting.exports.query import ExportQuery, Row, export_records
from reporting.values import conversion_rate

HEADER = (
    "date",
    "store",
    "marketplace",
    "currency",
    "campaign",
    "creator",
    "link",
    "link_clicks",
    "clicks",
    "detail_page_views",
    "add_to_cart",
    "purchases",
    "units_sold",
    "sales",
    "total_purchases",
    "total_units_sold",
    "total_sales",
    "conversion_rate",
    "brand_referral_bonus",
    "commission",
)


class StoreInfo:
    """What a row needs of its store: name, marketplace, currency and its decimals."""

    def __init__(self, store: Store) -> None:
        self.name = neutralise(store.advertiser_name or store.account_name or f"Store {store.pk}")
        self.marketplace = neutralise(store.country_code.upper())
        self.currency = neutralise(store.currency_code.upper())
        self.places = minor_unit(store.currency_code)


def stores_info(q: ExportQuery) -> dict[int, StoreInfo]:
    return {s.pk: StoreInfo(s) for s in Store.objects.filter(pk__in=q.store_ids)}


def csv_values(row: Row, store: StoreInfo, group_by: str) -> list[str]:
    v = row.values
    label = neutralise(row.label)
    rate = conversion_rate(v["purchases"] or 0, v["clicks"] or 0)
    return [
        row.date.isoformat(),
        store.name,
        store.marketplace,
        store.currency,
        label if group_by == "campaign" else "",
        label if group_by == "creator" else "",
        label if group_by == "link" else "",
        *(str(v[c] or 0) for c in ("link_clicks", "clicks", "detail_page_views", "add_to_cart")),
        str(v["purchases"] or 0),
        str(v["units_sold"] or 0),
        money_text_to(v["sales"], store.places),
        str(v["total_purchases"] or 0),
        str(v["total_units_sold"] or 0),
        money_text_to(v["total_sales"], store.places),
        "" if rate is None else f"{rate:f}",
        money_text_to(v["brand_referral_bonus"], store.places),
        "" if group_by == "link" else money_text_to(v["commission"], store.places),
    ]


class _MoneyFormat:
    """core.money's money_text for one currency, with a fast path for amounts already at its
    decimals (what PostgreSQL returns for sums of amounts stored at the minor unit)."""

    def __init__(self, places: int) -> None:
        self.places = places
        self.exponent = -places

    def __call__(self, value: Any) -> str:
        if type(value) is Decimal and value.as_tuple().exponent == self.exponent and value:
            return str(value)
        return money_text_to(value, self.places)


def _record_values(record: tuple, store: StoreInfo, fmt: _MoneyFormat, group_by: str) -> list:
    """csv_values() for a raw record (date, store_id, key_id, label, *SUMMED)."""
    (
        day,
        _store_id,
        _key,
        label,
        link_clicks,
        clicks,
        dpv,
        atc,
        purchases,
        units,
        sales,
        total_purchases,
        total_units,
        total_sales,
        brb,
        commission,
    ) = record
    label = neutralise(label) if label else ""
    rate = conversion_rate(purchases or 0, clicks or 0)
    return [
        day.isoformat(),
        store.name,
        store.marketplace,
        store.currency,
        label if group_by == "campaign" else "",
        label if group_by == "creator" else "",
        label if group_by == "link" else "",
        link_clicks or 0,
        clicks or 0,
        dpv or 0,
        atc or 0,
        purchases or 0,
        units or 0,
        fmt(sales),
        total_purchases or 0,
        total_units or 0,
        fmt(total_sales),
        "" if rate is None else f"{rate:f}",
        fmt(brb),
        "" if group_by == "link" else fmt(commission),
    ]


def csv_chunks(
    q: ExportQuery,
    rows: Iterable[Row] | None = None,
    *,
    on_rows: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The export as UTF-8 chunks of about 64 KB: the header, then every row. Consume it
    inside the tenant's scope. `on_rows(n)` is told the running row count after each chunk."""
    stores = stores_info(q)
    formats = {pk: _MoneyFormat(info.places) for pk, info in stores.items()}
    if rows is None:
        lines: Iterator[list] = (
            _record_values(r, stores[r[1]], formats[r[1]], q.group_by) for r in export_records(q)
        )
    else:
        lines = (csv_values(row, stores[row.store_id], q.group_by) for row in rows)
    yield from csv_stream(HEADER, lines, on_rows=on_rows)
