"""The export's rows, in SQL: Amazon's facts, our first-party clicks and the commission owed,
summed per (date, store, dimension), streamed from a server-side cursor.

Which Amazon level (reporting.selectors.levels), as the dashboards: `day` and `campaign` rows
come from campaign rows, the store's and campaigns' totals (Amazon's 10-click privacy mask
hides least there); `creator` rows (and any export filtered by creator) from ad-group rows;
`link` rows from creative rows. A finer level is masked more, so its sums can be lower. Facts
are matched to our campaigns, creators and links by Amazon ids at read time, exactly as the
dashboards do; rows that match nothing keep an empty dimension so that per-store totals equal
Amazon's.

Commission is what the dashboards show: what the day's conversions owe, compiled from the one
definition (commissions.models: `Conversion.objects.owing().with_owed()`), so this SQL cannot
drift from it. Conversions are per creator and day, so `link` rows carry no commission.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections

from attribution.models import METRIC_FIELDS, Store
from commissions.models import Conversion
from reporting.selectors.levels import CREATOR_LEVEL, LINK_LEVEL, TOTALS_LEVEL
from tenancy.replica import read_alias
from tenancy.scoping import current_tenant_id

GROUPINGS = ("day", "campaign", "creator", "link")
# The per-row metrics, in the CSV's order (link_clicks first: ours; then Amazon's).
COUNTS = (
    "link_clicks",
    "clicks",
    "detail_page_views",
    "add_to_cart",
    "purchases",
    "units_sold",
)
TOTAL_COUNTS = ("total_purchases", "total_units_sold")
MONEY = ("sales", "total_sales", "brand_referral_bonus", "commission")
# Amazon's metrics as the CSV carries them: all but the brand's detail page views and carts.
FACT_COLUMNS = tuple(
    m for m in METRIC_FIELDS if m not in ("total_detail_page_views", "total_add_to_cart")
)
SUMMED = ("link_clicks", *FACT_COLUMNS, "commission")
NO_KEY = 9223372036854775807  # sorts unmatched rows (no campaign/creator/link) last


@dataclass(frozen=True)
class ExportQuery:
    start: date
    end: date
    store_ids: tuple[int, ...]
    group_by: str = "day"
    campaign_id: int | None = None
    creator_id: int | None = None
    link_id: int | None = None

    @property
    def level(self) -> str:
        if self.group_by == "link":
            return LINK_LEVEL
        if self.group_by == "creator" or self.creator_id is not None:
            return CREATOR_LEVEL
        return TOTALS_LEVEL


@dataclass
class Row:
    date: date
    store_id: int
    key_id: int | None
    label: str
    values: dict[str, Any] = field(default_factory=dict)


def export_query_build(
    *,
    start: date | None,
    end: date | None,
    store_ids: list[int] | None = None,
    group_by: str = "day",
    campaign_id: int | None = None,
    creator_id: int | None = None,
    link_id: int | None = None,
) -> ExportQuery:
    """Validate what a person, a command or a client asked for (tenant in scope): the range,
    stores of this tenant (none given = all of them), a known grouping. Errors per field."""
    errors: dict[str, str] = {}
    if start is None:
        errors["start"] = "Enter the first day as YYYY-MM-DD."
    if end is None:
        errors["end"] = "Enter the last day as YYYY-MM-DD."
    if start and end and end < start:
        errors["end"] = "The end date is before the start date."
    if group_by not in GROUPINGS:
        errors["group_by"] = f"Group by one of: {', '.join(GROUPINGS)}."
    if link_id is not None and group_by != "link":
        errors["link"] = "Filtering by link needs group_by=link (links are creative-level rows)."
    known = set(Store.objects.values_list("pk", flat=True))
    if store_ids:
        unknown = sorted({s for s in store_ids if s not in known})
        if unknown:
            errors["store"] = "Unknown store: " + ", ".join(str(s) for s in unknown) + "."
        chosen = tuple(sorted(set(store_ids)))
    else:
        chosen = tuple(sorted(known))
        if not chosen:
            errors["store"] = "This organisation has no stores yet."
    if errors:
        raise ValidationError(errors)
    assert start is not None and end is not None
    return ExportQuery(start, end, chosen, group_by, campaign_id, creator_id, link_id)


# --- SQL ------------------------------------------------------------------------------------

_ZEROS_FACTS = ", ".join(
    f"0::numeric AS {c}" if c in ("sales", "total_sales", "brand_referral_bonus") else f"0 AS {c}"
    for c in FACT_COLUMNS
)


def _facts(q: ExportQuery) -> tuple[str, list[Any]]:
    joins = [
        "LEFT JOIN campaigns_campaign c ON c.store_id = m.store_id "
        "AND c.amazon_campaign_id = m.amazon_campaign_id"
    ]
    if q.group_by == "creator" or q.creator_id is not None:
        joins.append(
            "LEFT JOIN creators_campaigncreator cc ON cc.campaign_id = c.id "
            "AND cc.amazon_adgroup_id = m.amazon_adgroup_id"
        )
    if q.group_by == "link":
        joins.append(
            "LEFT JOIN campaigns_affiliatelink l ON l.campaign_id = c.id "
            "AND l.amazon_creative_id = m.amazon_creative_id"
        )
    key = {"day": "NULL::bigint", "campaign": "c.id", "creator": "cc.creator_id", "link": "l.id"}
    where, params = _common("m", q)
    where.append("m.level = %s")
    params.append(q.level)
    where += _filters(q, campaign="c.id", creator="cc.creator_id", link="l.id", params=params)
    columns = ", ".join(f"m.{c}" for c in FACT_COLUMNS)
    sql = (
        f"SELECT m.date, m.store_id, {key[q.group_by]} AS key_id, 0 AS link_clicks, {columns}, "
        f"0::numeric AS commission FROM attribution_dailymetric m {' '.join(joins)} "
        f"WHERE {' AND '.join(where)}"
    )
    return sql, params


def _clicks(q: ExportQuery) -> tuple[str, list[Any]]:
    joins = ["JOIN campaigns_affiliatelink l ON l.id = d.link_id"]
    if q.group_by == "creator" or q.creator_id is not None:
        joins.append("JOIN creators_campaigncreator cc ON cc.id = l.campaign_creator_id")
    key = {
        "day": "NULL::bigint",
        "campaign": "l.campaign_id",
        "creator": "cc.creator_id",
        "link": "l.id",
    }
    where = ["d.organization_id = %s", "d.date BETWEEN %s AND %s", "d.sub_id = ''"]
    where.append("l.store_id = ANY(%s)")
    params: list[Any] = [current_tenant_id(), q.start, q.end, list(q.store_ids)]
    where += _filters(
        q, campaign="l.campaign_id", creator="cc.creator_id", link="l.id", params=params
    )
    sql = (
        f"SELECT d.date, l.store_id, {key[q.group_by]} AS key_id, d.clicks AS link_clicks, "
        f"{_ZEROS_FACTS}, 0::numeric AS commission FROM campaigns_linkclickdaily d "
        f"{' '.join(joins)} WHERE {' AND '.join(where)}"
    )
    return sql, params


def _owing() -> tuple[str, list[Any]]:
    """What each conversion of the tenant owes, as SQL compiled from the queryset that defines
    it (organization_id, date, store_id, campaign_id, creator_id, owed)."""
    owing = (
        Conversion.objects.owing()
        .with_owed()
        .order_by()
        .values("organization_id", "date", "store_id", "campaign_id", "creator_id", "owed")
    )
    sql, params = owing.query.sql_with_params()
    return sql, list(params)


def _commission(q: ExportQuery) -> tuple[str, list[Any]]:
    key = {"day": "NULL::bigint", "campaign": "v.campaign_id", "creator": "v.creator_id"}
    owing, params = _owing()
    where, common = _common("v", q)
    params += common
    where += _filters(q, campaign="v.campaign_id", creator="v.creator_id", link=None, params=params)
    sql = (
        f"SELECT v.date, v.store_id, {key[q.group_by]} AS key_id, 0 AS link_clicks, "
        f"{_ZEROS_FACTS}, v.owed AS commission FROM ({owing}) v WHERE {' AND '.join(where)}"
    )
    return sql, params


def _common(alias: str, q: ExportQuery) -> tuple[list[str], list[Any]]:
    # The explicit tenant filter serves the indexes; row-level security stands behind it.
    where = [
        f"{alias}.organization_id = %s",
        f"{alias}.date BETWEEN %s AND %s",
        f"{alias}.store_id = ANY(%s)",
    ]
    return where, [current_tenant_id(), q.start, q.end, list(q.store_ids)]


def _filters(
    q: ExportQuery, *, campaign: str, creator: str, link: str | None, params: list[Any]
) -> list[str]:
    where = []
    for column, value in ((campaign, q.campaign_id), (creator, q.creator_id), (link, q.link_id)):
        if value is not None:
            where.append(f"{column} = %s" if column else "FALSE")
            if column:
                params.append(value)
    return where


# Labels by primary key, one index lookup per row: bounded whatever the planner believes about
# the tables' sizes (a join planned on stale statistics can turn into rows x links).
_LABELS = {
    "day": "NULL",
    "campaign": "(SELECT lbl.name FROM campaigns_campaign lbl WHERE lbl.id = g.key_id)",
    "creator": "(SELECT lbl.name FROM creators_creator lbl WHERE lbl.id = g.key_id)",
    "link": "(SELECT lbl.code FROM campaigns_affiliatelink lbl WHERE lbl.id = g.key_id)",
}


def export_sql(
    q: ExportQuery, *, after: tuple[date, int, int] | None = None, limit: int | None = None
) -> tuple[str, list[Any]]:
    """The whole export as one SELECT (date, store_id, key_id, label, sums...), ordered by
    (date, store, dimension id; unmatched last). `after`/`limit`: a keyset page (the API)."""
    parts = [_facts(q), _clicks(q)]
    if q.group_by != "link":
        parts.append(_commission(q))
    union = " UNION ALL ".join(f"({sql})" for sql, _ in parts)
    params = [p for _, part_params in parts for p in part_params]
    sums = ", ".join(f"sum(u.{c}) AS {c}" for c in SUMMED)
    label = _LABELS[q.group_by]
    outer_where = ""
    if after is not None:
        outer_where = f"WHERE (g.date, g.store_id, COALESCE(g.key_id, {NO_KEY})) > (%s, %s, %s)"
    sql = (
        f"SELECT g.date, g.store_id, g.key_id, {label}::text AS label, "
        f"{', '.join('g.' + c for c in SUMMED)} FROM (SELECT u.date, u.store_id, u.key_id, {sums} "
        f"FROM ({union}) u GROUP BY u.date, u.store_id, u.key_id) g {outer_where} "
        f"ORDER BY g.date, g.store_id, COALESCE(g.key_id, {NO_KEY})"
    )
    if after is not None:
        params += list(after)
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    return sql, params


def _row(record: tuple) -> Row:
    day, store_id, key_id, label, *sums = record
    return Row(day, store_id, key_id, label or "", dict(zip(SUMMED, sums, strict=True)))


def export_rows(q: ExportQuery, *, chunk_size: int = 2000) -> Iterator[Row]:
    """Every row, from a server-side cursor: memory stays flat whatever the size. Run it inside
    the tenant's scope (one transaction) and consume it there."""
    for record in export_records(q, chunk_size=chunk_size):
        yield _row(record)


def export_records(q: ExportQuery, *, chunk_size: int = 2000) -> Iterator[tuple]:
    """The raw records (date, store_id, key_id, label, *SUMMED) of export_rows: the CSV writer's
    fast path."""
    sql, params = export_sql(q)
    with connections[read_alias()].cursor() as cursor:
        # A cursor is planned for its first rows by default (cursor_tuple_fraction 0.1:
        # nested loops); the export reads every row, so plan for all of them like COPY does.
        cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
    with connections[read_alias()].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            records = cursor.fetchmany(chunk_size)
            if not records:
                return
            yield from records


def export_page(
    q: ExportQuery, *, after: tuple[date, int, int] | None, size: int
) -> tuple[list[Row], bool]:
    """One keyset page of rows (the API): (rows, more follow)."""
    sql, params = export_sql(q, after=after, limit=size + 1)
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        rows = [_row(r) for r in cursor.fetchall()]
    return rows[:size], len(rows) > size


def row_cursor_key(row: Row) -> tuple[date, int, int]:
    return (row.date, row.store_id, NO_KEY if row.key_id is None else row.key_id)


def export_estimate(q: ExportQuery) -> int:
    """Fact rows in the range: an upper bound of the export's rows from Amazon (cheap)."""
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM attribution_dailymetric WHERE organization_id = %s "
            "AND level = %s AND date BETWEEN %s AND %s AND store_id = ANY(%s)",
            [current_tenant_id(), q.level, q.start, q.end, list(q.store_ids)],
        )
        (count,) = cursor.fetchone()
    return int(count)
