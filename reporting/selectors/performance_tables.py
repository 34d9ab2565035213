"""The campaign tab's creators and links tables: searched, sorted and paginated in PostgreSQL.

A big program has 2,000 creators and 6,000 links; the page shows 25 of each. Each table is two
queries: every creator (or link) of the campaign ranked by the sorted figure, Amazon's from the
period's figures memoized per version of the store's facts (attribution.rollups), ours and
commission from their rollups (core.rollups: two index probes per row), then filtered, ordered
and cut to the page in PostgreSQL; then every figure of the page's rows, live from the rollups.
Python sees the page's rows only.

The levels are the page's (reporting.selectors.levels): creators from Amazon's ad-group rows,
links from creative rows (a creative id under two ad groups counts once, summed); our clicks
without bots; commission owed per campaign creator (links have none of their own).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection

from attribution.models import AMAZON_MASK_CLICKS
from attribution.rollups import KeyFilter, memoized_ranges_sql, metric_ranges_sql
from campaigns.models import Campaign
from campaigns.rollups import CLICKS
from commissions.rollups import OWED
from core.rollups import LIFETIME, column, scoped_sql
from reporting.selectors.levels import CREATOR_LEVEL, LINK_LEVEL
from reporting.values import METRICS, ZERO, Period, Totals, threshold_note

TABLES = ("creators", "links")
PER_PAGE = 25
# sort name -> SQL expression over a row of the table's query (x)
SORTS = {
    "name": 'lower(x.label) COLLATE "C"',
    "link_clicks": "x.link_clicks",
    "clicks": "x.clicks",
    "purchases": "x.purchases",
    "sales": "x.sales",
    "commission": "x.commission",
    "dpv": "x.detail_page_views",
}
DEFAULT_SORT = "sales"
R = "r"  # the range's name in the rollups' SQL


@dataclass(frozen=True)
class LinkRef:
    """What a table row shows of its link: a campaign tab lists every link of the campaign
    (6,000 for a big program), and building model instances for them all cost more than
    reading their figures."""

    pk: int
    code: str
    amazon_creative_id: str


@dataclass
class Row:
    """One creator or link in a table."""

    key: str
    label: str
    sublabel: str
    totals: Totals
    our_lifetime_clicks: int
    amazon_lifetime_clicks: int
    commission_rate: Decimal | None = None
    link: LinkRef | None = None

    @property
    def masked(self) -> bool:
        return self.amazon_lifetime_clicks < AMAZON_MASK_CLICKS

    @property
    def threshold_status(self) -> str:
        """Why Amazon's numbers may be zero, from our own click count."""
        return threshold_note(
            our_clicks=self.our_lifetime_clicks, amazon_clicks=self.amazon_lifetime_clicks
        )


# sort name -> the Amazon metric it ranks by
SORT_METRICS = {
    "clicks": "clicks",
    "purchases": "purchases",
    "sales": "sales",
    "dpv": "detail_page_views",
}


@dataclass(frozen=True)
class _Wants:
    """Which figures a table query computes for every row it reads: ranking thousands of rows
    needs only the sorted figure (each figure costs CASEs and subtractions per row, and our
    clicks and commission index probes per row); the page's rows get all of them."""

    metrics: tuple[str, ...]  # Amazon's, over the period
    lifetime: bool  # Amazon's and our lifetime clicks (the threshold notes)
    clicks: bool  # our clicks over the period
    owed: bool  # commission owed over the period


EVERYTHING = _Wants(METRICS, lifetime=True, clicks=True, owed=True)


def _ranking(sort: str) -> _Wants:
    metric = SORT_METRICS.get(sort)
    return _Wants(
        (metric,) if metric else (),
        lifetime=False,
        clicks=sort == "link_clicks",
        owed=sort == "commission",
    )


def _amazon_values(wants: _Wants) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*wants.metrics, *(("clicks",) if wants.lifetime else ())]))


def _figures(source: str, wants: _Wants) -> str:
    """The period's Amazon figures and lifetime clicks of `source` (a metric ranges alias);
    0 for those not wanted."""
    sums = ", ".join(
        f"coalesce({source}.{column(R, m)}, 0) AS {m}" if m in wants.metrics else f"0 AS {m}"
        for m in METRICS
    )
    lifetime = f"coalesce({source}.{column(LIFETIME, 'clicks')}, 0)" if wants.lifetime else "0"
    return f"{sums}, {lifetime} AS amazon_lifetime_clicks"


def _ours(wants: _Wants) -> str:
    clicks = f"coalesce(o.{column(R, 'clicks')}, 0)" if wants.clicks else "0"
    lifetime = f"coalesce(o.{column(LIFETIME, 'clicks')}, 0)" if wants.lifetime else "0"
    return f"{clicks} AS link_clicks, {lifetime} AS our_lifetime_clicks"


@dataclass(frozen=True)
class _Page:
    """The rows of one page: their ids and their Amazon keys (ad group or creative ids)."""

    ids: tuple[int, ...]
    amazon_keys: tuple[str, ...]


# level -> the Amazon key a table's row has at that level
_AMAZON_KEY: dict[str, str] = {
    CREATOR_LEVEL: "amazon_adgroup_id",
    LINK_LEVEL: "amazon_creative_id",
}


def _amazon_sql(
    campaign: Campaign,
    ranges: dict[str, tuple[date, date]],
    values: tuple[str, ...],
    level: str,
    page: _Page | None,
) -> tuple[str, list[Any]]:
    """The campaign's rollup keys at `level` with `values`: for a page's rows (their Amazon
    keys) read from the rollups; for a ranking of every row, which reads no lifetime figure,
    from the memo of the campaign's figures for the period summed per the row's Amazon key
    (attribution.rollups.memoized_ranges_sql)."""
    by = _AMAZON_KEY[level]
    keys = KeyFilter(
        levels=(level,), store_id=campaign.store_id, amazon_campaign_id=campaign.amazon_campaign_id
    )
    if page is None:
        return memoized_ranges_sql(keys=keys, ranges=ranges, values=values, by=(by,))
    if level == CREATOR_LEVEL:
        keys = replace(keys, adgroup_ids=page.amazon_keys)
    else:
        keys = replace(keys, creative_ids=page.amazon_keys)
    return metric_ranges_sql(keys=keys, ranges=ranges, values=values)


def _join_our_clicks(
    joins: list[str],
    scope: str,
    ranges: dict[str, tuple[date, date]],
    ids: tuple[int, ...] | None,
    *,
    on: str,
) -> list[Any]:
    """Add our clicks of `scope` (as `o`, joined on `on`) to `joins`; returns their params."""
    ours, params = scoped_sql(CLICKS, scope=scope, ranges=ranges, ids=ids, values=("clicks",))
    joins.append(f"LEFT JOIN ({ours}) o ON o.scope_id = {on}")
    return params


def _creators_sql(
    campaign: Campaign, period: Period, wants: _Wants, page: _Page | None = None
) -> tuple[str, list[Any]]:
    ranges = {R: (period.start, period.end)}
    joins, params = [], list[Any]([campaign.default_commission_rate])
    values = _amazon_values(wants)
    if values:
        amazon, amazon_params = _amazon_sql(campaign, ranges, values, CREATOR_LEVEL, page)
        joins.append(f"LEFT JOIN ({amazon}) a ON a.amazon_adgroup_id = cc.amazon_adgroup_id")
        params += amazon_params
    ids = page.ids if page else None
    if wants.clicks or wants.lifetime:
        params += _join_our_clicks(joins, "creator", ranges, ids, on="cc.id")
    if wants.owed:
        owed, owed_params = scoped_sql(
            OWED, scope="creator", ranges=ranges, ids=ids, values=("owed",)
        )
        joins.append(f"LEFT JOIN ({owed}) w ON w.scope_id = cc.id")
        params += owed_params
    commission = f"coalesce(w.{column(R, 'owed')}, 0)" if wants.owed else "0"
    sql = f"""
        SELECT cc.id AS id, cc.amazon_adgroup_id AS amazon_key, c.name AS label,
               coalesce(nullif(c.handle, ''), c.email) AS sublabel,
               coalesce(cc.commission_rate_override, %s) AS commission_rate,
               NULL::text AS code, NULL::text AS creative_id,
               {_figures("a", wants)},
               {_ours(wants)}, {commission} AS commission
        FROM creators_campaigncreator cc
        JOIN creators_creator c ON c.id = cc.creator_id
        {" ".join(joins)}
        WHERE cc.campaign_id = %s"""
    params.append(campaign.pk)
    if ids is not None:
        sql += " AND cc.id = ANY(%s)"
        params.append(list(ids))
    return sql, params


def _links_sql(
    campaign: Campaign, period: Period, wants: _Wants, page: _Page | None = None
) -> tuple[str, list[Any]]:
    ranges = {R: (period.start, period.end)}
    joins, params = [], list[Any]()
    values = _amazon_values(wants)
    if values:
        amazon, amazon_params = _amazon_sql(campaign, ranges, values, LINK_LEVEL, page)
        # a creative id under two ad groups counts once per link, summed as the facts were
        sums = [column(R, m) for m in wants.metrics]
        if wants.lifetime:
            sums.append(column(LIFETIME, "clicks"))
        per_creative = (
            "SELECT k.amazon_creative_id, "
            + ", ".join(f"sum(k.{c}) AS {c}" for c in sums)
            + f" FROM ({amazon}) k GROUP BY 1"
        )
        joins.append(f"LEFT JOIN ({per_creative}) a ON a.amazon_creative_id = l.amazon_creative_id")
        params += amazon_params
    ids = page.ids if page else None
    if wants.clicks or wants.lifetime:
        params += _join_our_clicks(joins, "link", ranges, ids, on="l.id")
    sql = f"""
        SELECT l.id AS id, l.amazon_creative_id AS amazon_key,
               CASE WHEN l.product_id IS NULL THEN 'Store page'
                    ELSE coalesce(nullif(p.title, ''), p.asin) END AS label,
               c.name AS sublabel, NULL::numeric AS commission_rate,
               l.code AS code, l.amazon_creative_id AS creative_id,
               {_figures("a", wants)},
               {_ours(wants)}, 0::numeric AS commission
        FROM campaigns_affiliatelink l
        LEFT JOIN campaigns_product p ON p.id = l.product_id
        JOIN creators_campaigncreator cc ON cc.id = l.campaign_creator_id
        JOIN creators_creator c ON c.id = cc.creator_id
        {" ".join(joins)}
        WHERE l.campaign_id = %s"""
    params.append(campaign.pk)
    if ids is not None:
        sql += " AND l.id = ANY(%s)"
        params.append(list(ids))
    return sql, params


def performance_table(
    *,
    campaign: Campaign,
    period: Period,
    name: str,
    q: str = "",
    sort: str = DEFAULT_SORT,
    descending: bool = True,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> dict[str, Any]:
    """One page of the creators' or links' table: {rows, count, page, pages, sort,
    descending, q}. Two queries (three when asked for a page past the last): every row ranked
    by the sorted figure alone, then every figure of the page's rows."""
    build = _creators_sql if name == "creators" else _links_sql
    sort = sort if sort in SORTS else DEFAULT_SORT
    base, params = build(campaign, period, _ranking(sort))
    q = q.strip().lower()
    where, where_params = "", []
    if q:
        where = "WHERE strpos(lower(x.label), %s) > 0 OR strpos(lower(x.sublabel), %s) > 0"
        where_params = [q, q]
    # ties keep the table's own order (by id), whichever way the sort goes
    order = f"{SORTS[sort]} {'DESC' if descending else 'ASC'}, x.id"
    sql = (
        f"SELECT x.id, x.amazon_key, count(*) OVER () AS matching FROM ({base}) x {where} "
        f"ORDER BY {order} LIMIT %s OFFSET %s"
    )
    page = max(1, page)
    with connection.cursor() as cur:
        cur.execute(sql, [*params, *where_params, per_page, (page - 1) * per_page])
        ranked = cur.fetchall()
        if not ranked and page > 1:  # past the last page: show the last one
            cur.execute(f"SELECT count(*) FROM ({base}) x {where}", [*params, *where_params])
            count = cur.fetchone()[0]
            page = max(1, -(-count // per_page))
            cur.execute(sql, [*params, *where_params, per_page, (page - 1) * per_page])
            ranked = cur.fetchall()
        count = ranked[0][2] if ranked else 0
        rows: dict[int, dict[str, Any]] = {}
        if ranked:
            full, full_params = build(
                campaign,
                period,
                EVERYTHING,
                _Page(tuple(r[0] for r in ranked), tuple(r[1] for r in ranked)),
            )
            cur.execute(full, full_params)
            rows = {r["id"]: r for r in _dicts(cur)}
    return {
        "rows": [_row(rows[r[0]]) for r in ranked],
        "count": count,
        "page": page,
        "pages": max(1, -(-count // per_page)),
        "sort": sort,
        "descending": descending,
        "q": q,
    }


def _dicts(cur: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _row(r: dict[str, Any]) -> Row:
    totals = Totals()
    totals.add(r)
    totals.link_clicks = r["link_clicks"]
    totals.commission = r["commission"] or ZERO
    return Row(
        key=str(r["id"]),
        label=r["label"],
        sublabel=r["sublabel"] or "",
        totals=totals,
        our_lifetime_clicks=r["our_lifetime_clicks"],
        amazon_lifetime_clicks=r["amazon_lifetime_clicks"],
        commission_rate=r["commission_rate"],
        link=LinkRef(r["id"], r["code"], r["creative_id"]) if r["code"] is not None else None,
    )


__all__ = ["PER_PAGE", "SORTS", "TABLES", "performance_table"]
