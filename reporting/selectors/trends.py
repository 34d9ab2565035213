"""What the workflow dashboard adds to the overview's totals: the daily trend per currency
(Amazon's sales and clicks, our link clicks, provisional days marked), today's link clicks (ours
are real time), and the period's top creators and top links per currency.

The same levels as every other page (reporting.selectors.levels): the trend from Amazon's
campaign rows, creators from ad-group rows, links from creative rows; our link clicks without
bots. Sums over creators, links and their days come from the rollups (attribution.rollups,
campaigns.rollups, commissions.rollups): the top lists rank every creator and link on Amazon's
figures memoized per version of the store's facts, then read our clicks and commission for
those that can make the top. A fixed number of queries, whose cost follows the number of
creators and links, not the days or the rows behind them.
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
from attribution.rollups import KeyFilter, memoized_ranges_sql, metric_versions
from campaigns.models import AffiliateLink, Campaign, ClickRollup, ClickScope
from campaigns.rollups import CLICKS, click_days
from commissions.rollups import OWED
from core.rollups import column, scoped
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
    """The trend, today's clicks and the top creators and links (a fixed number of queries:
    eleven, two more when the period's figures are not memoized yet)."""
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

    versions = metric_versions()  # one read for both top lists' memos
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
        top_creators=_top_creators(period, currency_of, versions),
        top_links=_top_links(period, currency_of, versions),
    )


# The period's name in the rollups' range SQL, and a column of it.
R = "period"


def _col(alias: str, value: str) -> str:
    return f"coalesce({alias}.{column(R, value)}, 0)"


# the Amazon figures a ranking reads per creator or link (of every metric the rollups hold)
RANKED = ("sales", "purchases", "clicks")


def _candidates(amazon_sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """The rows of `amazon_sql` (columns currency, id, scope_ids, sales, purchases, clicks)
    that can be among the first TOP of their currency. The ranking's first keys are sales and
    purchases, so when a currency has TOP rows whose (sales, purchases) is above (0, 0), a row
    ranked below the TOP-th of them by those two alone cannot get in whatever its link clicks
    or commission (and those TOP pass the ranking's filter); otherwise every row of the
    currency can. One query over Amazon's figures alone: our clicks and commission (index
    probes per row) are then read for these rows only."""
    sql = f"""
        WITH per AS MATERIALIZED ({amazon_sql}),
        cut AS MATERIALIZED (  -- a row per currency at most: computed once
            SELECT currency, sales, purchases FROM (
                SELECT currency, sales, purchases, row_number() OVER (
                    PARTITION BY currency ORDER BY sales DESC, purchases DESC
                ) AS place
                FROM per WHERE (sales, purchases) > (0, 0)
            ) ranked
            WHERE place = %s
        )
        SELECT per.* FROM per LEFT JOIN cut USING (currency)
        WHERE cut.currency IS NULL OR (per.sales, per.purchases) >= (cut.sales, cut.purchases)"""
    with connection.cursor() as cur:
        cur.execute(sql, [*params, TOP])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _top(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first TOP rows per currency by sales, then purchases, our link clicks and id; rows
    with nothing at all are left out. Rows are `_candidates` with link_clicks and commission."""
    ranked: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["sales"] or row["purchases"] or row["link_clicks"] or row["commission"]:
            ranked[row["currency"]].append(row)
    return [
        row
        for currency in sorted(ranked)
        for row in sorted(
            ranked[currency],
            key=lambda r: (-r["sales"], -r["purchases"], -r["link_clicks"], r["id"]),
        )[:TOP]
    ]


def _creators_sql(amazon: str) -> str:
    """Per currency and creator: Amazon's figures (ad-group level) summed over the creator's
    campaign creators (`scope_ids`)."""
    return f"""
        SELECT s.currency_code AS currency, cc.creator_id AS id, array_agg(cc.id) AS scope_ids,
               sum({_col("a", "sales")}) AS sales, sum({_col("a", "purchases")}) AS purchases,
               sum({_col("a", "clicks")}) AS clicks
        FROM creators_campaigncreator cc
        JOIN campaigns_campaign c ON c.id = cc.campaign_id
        JOIN attribution_store s ON s.id = c.store_id
        LEFT JOIN ({amazon}) a ON a.store_id = c.store_id
            AND a.amazon_campaign_id = c.amazon_campaign_id
            AND a.amazon_adgroup_id = cc.amazon_adgroup_id
        WHERE c.store_id = ANY(%s)
        GROUP BY 1, 2"""


def _ours(rows: list[dict[str, Any]], scope: str, period: Period, owed: bool) -> None:
    """Add our link clicks (and with `owed` the commission owed) over the period to each row,
    summed over its scope ids (one query each, for these rows' ids only)."""
    ranges = {R: (period.start, period.end)}
    ids = [scope_id for row in rows for scope_id in row["scope_ids"]]
    clicks = scoped(CLICKS, scope=scope, ranges=ranges, ids=ids)
    owing = scoped(OWED, scope=scope, ranges=ranges, ids=ids) if owed else {}
    for row in rows:
        row["link_clicks"] = sum(clicks[i][R]["clicks"] for i in row["scope_ids"] if i in clicks)
        row["commission"] = sum((owing[i][R]["owed"] for i in row["scope_ids"] if i in owing), ZERO)


def _top_creators(
    period: Period, currency_of: dict[int, str], versions: dict[int, str]
) -> dict[str, list[Ranked]]:
    """Per currency, the creators with the most sales (ad-group level) over the period, then
    purchases and our link clicks; commission owed for the period. Amazon's figures of every
    creator come from the memo of the period's figures (attribution.rollups, read once per
    version of the store's facts) and are ranked in SQL; the creators that can make the top
    (`_candidates`) then get our clicks and commission from their rollups. Four or five
    queries, the same for 10 creators or 2,000."""
    amazon, params = memoized_ranges_sql(
        keys=KeyFilter(levels=(CREATOR_LEVEL,)),
        ranges={R: (period.start, period.end)},
        values=RANKED,
        by=("store_id", "amazon_campaign_id", "amazon_adgroup_id"),
        versions=versions,
    )
    rows = _candidates(_creators_sql(amazon), [*params, list(currency_of)])
    _ours(rows, "creator", period, owed=True)
    rows = _top(rows)
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


def _links_sql(amazon: str) -> str:
    """Per link: its currency and Amazon's figures (creative level: a creative id under two ad
    groups counts once per link, summed as the facts were)."""
    return f"""
        SELECT s.currency_code AS currency, l.id AS id, ARRAY[l.id] AS scope_ids,
               {_col("a", "sales")} AS sales, {_col("a", "purchases")} AS purchases,
               {_col("a", "clicks")} AS clicks
        FROM campaigns_affiliatelink l
        JOIN campaigns_campaign c ON c.id = l.campaign_id
        JOIN attribution_store s ON s.id = c.store_id
        LEFT JOIN ({amazon}) a
            ON a.store_id = c.store_id AND a.amazon_creative_id = l.amazon_creative_id
        WHERE c.store_id = ANY(%s)"""


def _top_links(
    period: Period, currency_of: dict[int, str], versions: dict[int, str]
) -> dict[str, list[Ranked]]:
    """Per currency, the links with the most sales (creative level) over the period, then
    purchases and our link clicks: as `_top_creators`, Amazon's figures from the memo, our
    clicks for the links that can make the top. Three or four queries."""
    amazon, params = memoized_ranges_sql(
        keys=KeyFilter(levels=(LINK_LEVEL,)),
        ranges={R: (period.start, period.end)},
        values=RANKED,
        by=("store_id", "amazon_creative_id"),
        versions=versions,
    )
    rows = _candidates(_links_sql(amazon), [*params, list(currency_of)])
    _ours(rows, "link", period, owed=False)
    rows = _top(rows)
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
