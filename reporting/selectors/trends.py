"""What the workflow dashboard adds to the overview's totals: the daily trend per currency
(Amazon's sales and clicks, our link clicks, provisional days marked), today's link clicks (ours
are real time), and the period's top creators and top links per currency.

The same levels as every other page (reporting.selectors.levels): the trend from Amazon's
campaign rows, creators from ad-group rows, links from creative rows; our link clicks without
bots. Sums over creators, links and their days come from the rollups (attribution.rollups,
campaigns.rollups, commissions.rollups), ranked in SQL: a fixed number of queries whose cost
follows the number of creators and links, not the days or the rows behind them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum

from attribution.models import DailyMetric, Store
from attribution.rollups import KeyFilter, metric_ranges_sql
from campaigns.models import AffiliateLink, Campaign, ClickRollup, ClickScope
from campaigns.rollups import CLICKS, click_days
from commissions.rollups import OWED
from core.rollups import column, scoped_sql
from creators.models import Creator
from reporting.selectors.levels import CREATOR_LEVEL, LINK_LEVEL, TOTALS_LEVEL
from reporting.values import RESTATEMENT_DAYS, ZERO, Period

TOP = 5


@dataclass
class CurrencyTrend:
    """One currency's days: never summed with another currency."""

    currency: str
    days: list[dict[str, Any]]
    sales: Decimal = ZERO
    clicks: int = 0
    link_clicks: int = 0
    link_clicks_today: int = 0  # ours, real time: today in each store, not in the period

    @property
    def empty(self) -> bool:
        """Nothing at all in the period: the page explains instead of drawing a flat line."""
        return not (self.sales or self.clicks or self.link_clicks)

    @property
    def chart_id(self) -> str:
        return f"trend-{self.currency.lower()}"

    @property
    def series_id(self) -> str:
        return f"trend-{self.currency.lower()}-series"


@dataclass
class Ranked:
    """A creator or a link with its figures in one currency over the period."""

    currency: str
    label: str
    sublabel: str = ""
    creator: Creator | None = None
    link: AffiliateLink | None = None
    sales: Decimal = ZERO
    purchases: int = 0
    clicks: int = 0
    link_clicks: int = 0
    commission: Decimal = ZERO

    @property
    def key(self) -> tuple[Decimal, int, int]:
        return (self.sales, self.purchases, self.link_clicks)


@dataclass
class Trends:
    period: Period
    currencies: list[CurrencyTrend]
    top_creators: dict[str, list[Ranked]] = field(default_factory=dict)
    top_links: dict[str, list[Ranked]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return all(c.empty for c in self.currencies)


def provisional_from(latest: date) -> date:
    """The first day Amazon can still restate, seen from the day after `latest`."""
    return latest + timedelta(days=1) - timedelta(days=RESTATEMENT_DAYS)


def overview_trends(*, period: Period, stores: list[Store], latest: date) -> Trends:
    """The trend, today's clicks and the top creators and links (seven queries)."""
    currency_of = {s.pk: s.currency_code for s in stores}
    todays = {s.pk: s.today() for s in stores}
    currencies = sorted(set(currency_of.values()))
    first = provisional_from(latest)

    # Amazon per store and day (campaign level): one query. Campaign-level facts are one row
    # per campaign and day, as many as their rollup rows, and are indexed by (organisation,
    # level, date), which the rollups are not.
    amazon: dict[tuple[str, date], dict[str, Any]] = defaultdict(
        lambda: {"sales": ZERO, "clicks": 0, "purchases": 0}
    )
    for r in (
        DailyMetric.objects.filter(level=TOTALS_LEVEL, date__gte=period.start, date__lte=period.end)
        .values("store_id", "date")
        .annotate(s=Sum("sales"), c=Sum("clicks"), p=Sum("purchases"))
    ):
        sums = amazon[(currency_of.get(r["store_id"], ""), r["date"])]
        sums["sales"] += r["s"] or ZERO
        sums["clicks"] += r["c"] or 0
        sums["purchases"] += r["p"] or 0

    # our clicks per store and day, the period and today in each store (from the campaigns'
    # click rollups): two queries
    store_of = dict(Campaign.objects.values_list("pk", "store_id"))
    ours: dict[tuple[str, date], int] = defaultdict(int)
    today: dict[str, int] = defaultdict(int)
    last = max([period.end, *todays.values()])
    for campaign_id, day, n in ClickRollup.objects.filter(
        # by campaign id, so each campaign's days are one range of the (scope, id, date) index
        scope=ClickScope.CAMPAIGN,
        scope_id__in=list(store_of),
        date__gte=period.start,
        date__lte=last,
    ).values_list("scope_id", "date", "clicks"):
        store_id = store_of.get(campaign_id)
        currency = currency_of.get(store_id, "") if store_id is not None else ""
        if day <= period.end:
            ours[(currency, day)] += n or 0
        if store_id is not None and day == todays.get(store_id):
            today[currency] += n or 0

    trends = []
    for currency in currencies:
        line = CurrencyTrend(currency, days=[], link_clicks_today=today[currency])
        for offset in range(period.days):
            day = period.start + timedelta(days=offset)
            figures = amazon.get((currency, day), {"sales": ZERO, "clicks": 0, "purchases": 0})
            link_clicks = ours.get((currency, day), 0)
            line.sales += figures["sales"]
            line.clicks += figures["clicks"]
            line.link_clicks += link_clicks
            line.days.append(
                {
                    "date": day.isoformat(),
                    "sales": str(figures["sales"]),
                    "clicks": figures["clicks"],
                    "purchases": figures["purchases"],
                    "link_clicks": link_clicks,
                    "provisional": day >= first,
                }
            )
        trends.append(line)
    return Trends(
        period=period,
        currencies=trends,
        top_creators=_top_creators(period, currency_of),
        top_links=_top_links(period, currency_of),
    )


# The period's name in the rollups' range SQL, and a column of it.
R = "period"


def _col(alias: str, value: str) -> str:
    return f"coalesce({alias}.{column(R, value)}, 0)"


# the Amazon figures a ranking reads per creator or link (of every metric the rollups hold)
RANKED = ("sales", "purchases", "clicks")


def _ranked(per_sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """The first TOP rows per currency of `per_sql` (columns currency, id, sales, purchases,
    clicks, link_clicks, commission) by sales, then purchases and our link clicks; rows with
    nothing at all are left out. The ranking happens in PostgreSQL: Python sees TOP rows per
    currency, however many creators or links the brand has."""
    sql = f"""
        SELECT currency, id, sales, purchases, clicks, link_clicks, commission FROM (
            SELECT per.*, row_number() OVER (
                PARTITION BY currency ORDER BY sales DESC, purchases DESC, link_clicks DESC, id
            ) AS place
            FROM ({per_sql}) per
            WHERE sales <> 0 OR purchases <> 0 OR link_clicks <> 0 OR commission <> 0
        ) ranked
        WHERE place <= %s ORDER BY currency, place"""
    with connection.cursor() as cur:
        cur.execute(sql, [*params, TOP])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _top_creators(period: Period, currency_of: dict[int, str]) -> dict[str, list[Ranked]]:
    """Per currency, the creators with the most sales (ad-group level) over the period, then
    purchases and our link clicks; commission owed for the period. Two queries: the ranking
    over the rollups' range SQL (two index probes per campaign creator), then the creators."""
    ranges = {R: (period.start, period.end)}
    amazon, amazon_params = metric_ranges_sql(
        keys=KeyFilter(levels=(CREATOR_LEVEL,)), ranges=ranges, values=RANKED
    )
    ours, ours_params = scoped_sql(CLICKS, scope="creator", ranges=ranges, values=("clicks",))
    owed, owed_params = scoped_sql(OWED, scope="creator", ranges=ranges, values=("owed",))
    per = f"""
        SELECT s.currency_code AS currency, cc.creator_id AS id,
               sum({_col("a", "sales")}) AS sales, sum({_col("a", "purchases")}) AS purchases,
               sum({_col("a", "clicks")}) AS clicks, sum({_col("o", "clicks")}) AS link_clicks,
               sum({_col("w", "owed")}) AS commission
        FROM creators_campaigncreator cc
        JOIN campaigns_campaign c ON c.id = cc.campaign_id
        JOIN attribution_store s ON s.id = c.store_id
        LEFT JOIN ({amazon}) a ON a.store_id = c.store_id
            AND a.amazon_campaign_id = c.amazon_campaign_id
            AND a.amazon_adgroup_id = cc.amazon_adgroup_id
        LEFT JOIN ({ours}) o ON o.scope_id = cc.id
        LEFT JOIN ({owed}) w ON w.scope_id = cc.id
        WHERE c.store_id = ANY(%s)
        GROUP BY 1, 2"""
    rows = _ranked(per, [*amazon_params, *ours_params, *owed_params, list(currency_of)])
    creators = Creator.objects.in_bulk({r["id"] for r in rows})
    top: dict[str, list[Ranked]] = defaultdict(list)
    for r in rows:
        creator = creators[r["id"]]
        top[r["currency"]].append(
            Ranked(
                r["currency"],
                label=creator.name,
                sublabel=creator.handle or creator.email,
                creator=creator,
                sales=r["sales"],
                purchases=r["purchases"],
                clicks=r["clicks"],
                link_clicks=r["link_clicks"],
                commission=r["commission"],
            )
        )
    return dict(top)


def _top_links(period: Period, currency_of: dict[int, str]) -> dict[str, list[Ranked]]:
    """Per currency, the links with the most sales (creative level) over the period, then
    purchases and our link clicks. Two queries: the ranking over the rollups' range SQL (two
    index probes per link), then the links shown."""
    ranges = {R: (period.start, period.end)}
    amazon, amazon_params = metric_ranges_sql(
        keys=KeyFilter(levels=(LINK_LEVEL,)), ranges=ranges, values=RANKED
    )
    ours, ours_params = scoped_sql(CLICKS, scope="link", ranges=ranges, values=("clicks",))
    # a creative id under two ad groups counts once per link, summed as the facts were
    per = f"""
        SELECT s.currency_code AS currency, l.id AS id, coalesce(a.sales, 0) AS sales,
               coalesce(a.purchases, 0) AS purchases, coalesce(a.clicks, 0) AS clicks,
               {_col("o", "clicks")} AS link_clicks, 0 AS commission
        FROM campaigns_affiliatelink l
        JOIN campaigns_campaign c ON c.id = l.campaign_id
        JOIN attribution_store s ON s.id = c.store_id
        LEFT JOIN (
            SELECT k.store_id, k.amazon_creative_id, sum({_col("k", "sales")}) AS sales,
                   sum({_col("k", "purchases")}) AS purchases,
                   sum({_col("k", "clicks")}) AS clicks
            FROM ({amazon}) k GROUP BY 1, 2
        ) a ON a.store_id = c.store_id AND a.amazon_creative_id = l.amazon_creative_id
        LEFT JOIN ({ours}) o ON o.scope_id = l.id
        WHERE c.store_id = ANY(%s)"""
    rows = _ranked(per, [*amazon_params, *ours_params, list(currency_of)])
    links = AffiliateLink.objects.select_related(
        "product", "campaign", "campaign_creator__creator"
    ).in_bulk({r["id"] for r in rows})
    top: dict[str, list[Ranked]] = defaultdict(list)
    for r in rows:
        link = links[r["id"]]
        creator = link.campaign_creator.creator
        product = (link.product.title or link.product.asin) if link.product else "Store page"
        top[r["currency"]].append(
            Ranked(
                r["currency"],
                label=product,
                sublabel=f"{creator.name} · {link.campaign.name}",
                link=link,
                sales=r["sales"],
                purchases=r["purchases"],
                clicks=r["clicks"],
                link_clicks=r["link_clicks"],
            )
        )
    return dict(top)


def campaign_clicks_today(*, campaign_id: int, today: date) -> int:
    """Our link clicks of the campaign today in its store (real time, bots excluded): pages
    show them next to the period's, which ends on the latest complete day. One query (the
    campaign's click rollup row for the day)."""
    total = (
        click_days(scope=ClickScope.CAMPAIGN, scope_id=campaign_id, start=today, end=today)
        .values_list("clicks", flat=True)
        .first()
    )
    return total or 0
