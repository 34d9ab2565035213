"""The campaign tab's creators and links tables: searched, sorted and paginated in PostgreSQL.

A big program has 2,000 creators and 6,000 links; the page shows 25 of each. Each table is one
query: the campaign's creators (or links) joined with their figures over the period, read from
the rollups' range SQL (core.rollups: two index probes per creator or link, the subtraction in
SQL), then filtered, ordered and cut to the page there. Python sees the page's rows only.

The levels are the page's (reporting.selectors.levels): creators from Amazon's ad-group rows,
links from creative rows (a creative id under two ad groups counts once, summed); our clicks
without bots; commission owed per campaign creator (links have none of their own).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from attribution.models import AMAZON_MASK_CLICKS
from attribution.rollups import KeyFilter, metric_ranges_sql
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


def _figures(source: str) -> str:
    """The period's Amazon figures and lifetime clicks of `source` (a metric ranges alias)."""
    sums = ", ".join(f"coalesce({source}.{column(R, m)}, 0) AS {m}" for m in METRICS)
    return f"{sums}, coalesce({source}.{column(LIFETIME, 'clicks')}, 0) AS amazon_lifetime_clicks"


def _creators_sql(campaign: Campaign, period: Period) -> tuple[str, list[Any]]:
    amazon, amazon_params = metric_ranges_sql(
        keys=KeyFilter(
            levels=(CREATOR_LEVEL,),
            store_id=campaign.store_id,
            amazon_campaign_id=campaign.amazon_campaign_id,
        ),
        ranges={R: (period.start, period.end)},
    )
    ours, ours_params = scoped_sql(CLICKS, scope="creator", ranges={R: (period.start, period.end)})
    owed, owed_params = scoped_sql(OWED, scope="creator", ranges={R: (period.start, period.end)})
    sql = f"""
        SELECT cc.id AS id, c.name AS label, coalesce(nullif(c.handle, ''), c.email) AS sublabel,
               coalesce(cc.commission_rate_override, %s) AS commission_rate,
               NULL::text AS code, NULL::text AS creative_id,
               {_figures("a")},
               coalesce(o.{column(R, "clicks")}, 0) AS link_clicks,
               coalesce(o.{column(LIFETIME, "clicks")}, 0) AS our_lifetime_clicks,
               coalesce(w.{column(R, "owed")}, 0) AS commission
        FROM creators_campaigncreator cc
        JOIN creators_creator c ON c.id = cc.creator_id
        LEFT JOIN ({amazon}) a ON a.amazon_adgroup_id = cc.amazon_adgroup_id
        LEFT JOIN ({ours}) o ON o.scope_id = cc.id
        LEFT JOIN ({owed}) w ON w.scope_id = cc.id
        WHERE cc.campaign_id = %s"""
    return sql, [
        campaign.default_commission_rate,
        *amazon_params,
        *ours_params,
        *owed_params,
        campaign.pk,
    ]


def _links_sql(campaign: Campaign, period: Period) -> tuple[str, list[Any]]:
    amazon, amazon_params = metric_ranges_sql(
        keys=KeyFilter(
            levels=(LINK_LEVEL,),
            store_id=campaign.store_id,
            amazon_campaign_id=campaign.amazon_campaign_id,
        ),
        ranges={R: (period.start, period.end)},
    )
    # a creative id under two ad groups counts once per link, summed as the facts were
    per_creative = (
        "SELECT k.amazon_creative_id, "
        + ", ".join(f"sum(k.{column(R, m)}) AS {column(R, m)}" for m in METRICS)
        + f", sum(k.{column(LIFETIME, 'clicks')}) AS {column(LIFETIME, 'clicks')} "
        f"FROM ({amazon}) k GROUP BY 1"
    )
    ours, ours_params = scoped_sql(CLICKS, scope="link", ranges={R: (period.start, period.end)})
    sql = f"""
        SELECT l.id AS id,
               CASE WHEN l.product_id IS NULL THEN 'Store page'
                    ELSE coalesce(nullif(p.title, ''), p.asin) END AS label,
               c.name AS sublabel, NULL::numeric AS commission_rate,
               l.code AS code, l.amazon_creative_id AS creative_id,
               {_figures("a")},
               coalesce(o.{column(R, "clicks")}, 0) AS link_clicks,
               coalesce(o.{column(LIFETIME, "clicks")}, 0) AS our_lifetime_clicks,
               0::numeric AS commission
        FROM campaigns_affiliatelink l
        LEFT JOIN campaigns_product p ON p.id = l.product_id
        JOIN creators_campaigncreator cc ON cc.id = l.campaign_creator_id
        JOIN creators_creator c ON c.id = cc.creator_id
        LEFT JOIN ({per_creative}) a ON a.amazon_creative_id = l.amazon_creative_id
        LEFT JOIN ({ours}) o ON o.scope_id = l.id
        WHERE l.campaign_id = %s"""
    return sql, [*amazon_params, *ours_params, campaign.pk]


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
    descending, q}. One query (two when asked for a page past the last)."""
    base, params = (_creators_sql if name == "creators" else _links_sql)(campaign, period)
    q = q.strip().lower()
    where, where_params = "", []
    if q:
        where = "WHERE strpos(lower(x.label), %s) > 0 OR strpos(lower(x.sublabel), %s) > 0"
        where_params = [q, q]
    sort = sort if sort in SORTS else DEFAULT_SORT
    # ties keep the table's own order (by id), whichever way the sort goes
    order = f"{SORTS[sort]} {'DESC' if descending else 'ASC'}, x.id"
    sql = (
        f"SELECT x.*, count(*) OVER () AS matching FROM ({base}) x {where} "
        f"ORDER BY {order} LIMIT %s OFFSET %s"
    )
    page = max(1, page)
    with connection.cursor() as cur:
        cur.execute(sql, [*params, *where_params, per_page, (page - 1) * per_page])
        fetched = _dicts(cur)
        if not fetched and page > 1:  # past the last page: show the last one
            cur.execute(f"SELECT count(*) FROM ({base}) x {where}", [*params, *where_params])
            count = cur.fetchone()[0]
            page = max(1, -(-count // per_page))
            cur.execute(sql, [*params, *where_params, per_page, (page - 1) * per_page])
            fetched = _dicts(cur)
    count = fetched[0]["matching"] if fetched else 0
    return {
        "rows": [_row(r) for r in fetched],
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
