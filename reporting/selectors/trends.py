"""What the workflow dashboard adds to the overview's totals: the daily trend per currency
(Amazon's sales and clicks, our link clicks, provisional days marked), today's link clicks (ours
are real time), and the period's top creators and top links per currency.

The same levels as every other page (reporting.selectors.levels): the trend from Amazon's
campaign rows, creators from ad-group rows, links from creative rows; our link clicks without
bots. Every figure comes from the rollups (attribution.rollups, campaigns.rollups,
commissions.rollups), never from summing the period's facts: a fixed number of queries whose
cost follows the number of creators and links, not the days or the rows behind them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q

from attribution.models import Store
from attribution.rollups import KeyFilter, day_sums, metric_ranges
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, ClickRollup, ClickScope
from campaigns.rollups import click_days, click_ranges
from commissions.models import OwedScope
from commissions.rollups import owed_ranges
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
    """The trend, today's clicks and the top creators and links (twelve queries at most)."""
    currency_of = {s.pk: s.currency_code for s in stores}
    todays = {s.pk: s.today() for s in stores}
    currencies = sorted(set(currency_of.values()))
    first = provisional_from(latest)

    # Amazon per store and day (campaign level, from the rollups): one query
    amazon: dict[tuple[str, date], dict[str, Any]] = defaultdict(
        lambda: {"sales": ZERO, "clicks": 0, "purchases": 0}
    )
    for r in day_sums(
        KeyFilter(levels=(TOTALS_LEVEL,)),
        period.start,
        period.end,
        ("sales", "clicks", "purchases"),
        by=("store_id",),
    ):
        sums = amazon[(currency_of.get(r["store_id"], ""), r["date"])]
        sums["sales"] += r["sales"] or ZERO
        sums["clicks"] += r["clicks"] or 0
        sums["purchases"] += r["purchases"] or 0

    # our clicks per store and day, the period and today in each store (from the campaigns'
    # click rollups): two queries
    store_of = dict(Campaign.objects.values_list("pk", "store_id"))
    ours: dict[tuple[str, date], int] = defaultdict(int)
    today: dict[str, int] = defaultdict(int)
    last = max([period.end, *todays.values()])
    for campaign_id, day, n in ClickRollup.objects.filter(
        scope=ClickScope.CAMPAIGN, date__gte=period.start, date__lte=last
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


def _top_creators(period: Period, currency_of: dict[int, str]) -> dict[str, list[Ranked]]:
    """Per currency, the creators with the most sales (ad-group level) over the period, then
    purchases and our link clicks; commission owed for the period. Five queries, each reading
    rollups (two index probes per campaign creator) rather than the period's facts."""
    ranges = {"period": (period.start, period.end)}
    memberships = {
        (store_id, campaign_id, adgroup_id): (cc_id, creator_id)
        for cc_id, creator_id, adgroup_id, store_id, campaign_id in (
            CampaignCreator.objects.values_list(
                "pk",
                "creator_id",
                "amazon_adgroup_id",
                "campaign__store_id",
                "campaign__amazon_campaign_id",
            )
        )
    }
    creator_of = {
        cc_id: (store_id, creator_id) for (store_id, *_), (cc_id, creator_id) in memberships.items()
    }
    ranked: dict[tuple[str, int], Ranked] = {}

    def entry(store_id: int, creator_id: int) -> Ranked:
        currency = currency_of[store_id]
        return ranked.setdefault((currency, creator_id), Ranked(currency, label=""))

    for (store_id, _, campaign_id, adgroup_id, _), figures in metric_ranges(
        keys=KeyFilter(levels=(CREATOR_LEVEL,)), ranges=ranges
    ).items():
        member = memberships.get((store_id, campaign_id, adgroup_id))
        row = figures["period"]
        if member is None or store_id not in currency_of or not row["fact_rows"]:
            continue
        item = entry(store_id, member[1])
        item.sales += row["sales"]
        item.purchases += row["purchases"]
        item.clicks += row["clicks"]
    for cc_id, clicks in click_ranges(scope=ClickScope.CREATOR, ranges=ranges).items():
        store_id, creator_id = creator_of.get(cc_id, (None, None))
        if store_id in currency_of and clicks["period"].link_days:
            entry(store_id, creator_id).link_clicks += clicks["period"].clicks
    for cc_id, owed in owed_ranges(scope=OwedScope.CREATOR, ranges=ranges).items():
        store_id, creator_id = creator_of.get(cc_id, (None, None))
        if store_id in currency_of and owed["period"].conversions:
            entry(store_id, creator_id).commission += owed["period"].owed

    top = _rank(ranked.values())
    shown = {id(item) for rows in top.values() for item in rows}
    wanted = {creator_id for (_, creator_id), item in ranked.items() if id(item) in shown}
    creators = Creator.objects.in_bulk(wanted)
    for (_, creator_id), item in ranked.items():
        creator = creators.get(creator_id)
        if id(item) in shown and creator is not None:
            item.creator = creator
            item.label = creator.name
            item.sublabel = creator.handle or creator.email
    return top


def _top_links(period: Period, currency_of: dict[int, str]) -> dict[str, list[Ranked]]:
    """Per currency, the links with the most sales (creative level) over the period, then
    purchases and our link clicks. Four queries, each reading rollups (two index probes per
    link) rather than the period's facts."""
    ranges = {"period": (period.start, period.end)}
    amazon: dict[tuple[int, str], dict[str, Any]] = {}
    for (store_id, *_, creative_id), figures in metric_ranges(
        keys=KeyFilter(levels=(LINK_LEVEL,)), ranges=ranges
    ).items():
        row = figures["period"]
        if row["fact_rows"]:  # a creative id under two ad groups counts once, summed
            sums = amazon.setdefault((store_id, creative_id), {"s": ZERO, "p": 0, "c": 0})
            sums["s"] += row["sales"]
            sums["p"] += row["purchases"]
            sums["c"] += row["clicks"]
    store_of = dict(AffiliateLink.objects.values_list("pk", "campaign__store_id"))
    clicks: dict[int, int] = {}
    clicked: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for link_id, figures in click_ranges(scope=ClickScope.LINK, ranges=ranges).items():
        if not figures["period"].link_days:
            continue
        n = figures["period"].clicks
        clicks[link_id] = n
        store_id = store_of.get(link_id)
        if store_id in currency_of:
            clicked[currency_of[store_id]].append((n, link_id))
    # candidates: the most sales per currency, and the most clicked (for links Amazon does not
    # report yet); one query for the links themselves
    by_sales: dict[str, list[tuple[Decimal, int, str]]] = defaultdict(list)
    for (store_id, creative_id), r in amazon.items():
        if store_id in currency_of:
            by_sales[currency_of[store_id]].append((r["s"] or ZERO, store_id, creative_id))
    creative_q = Q(pk__in=[])
    for rows in by_sales.values():
        for _, store_id, creative_id in sorted(rows, reverse=True)[:TOP]:
            creative_q |= Q(campaign__store_id=store_id, amazon_creative_id=creative_id)
    most_clicked = [
        pk for rows in clicked.values() for _, pk in sorted(rows, reverse=True)[: TOP * 2]
    ]
    links = AffiliateLink.objects.filter(creative_q | Q(pk__in=most_clicked)).select_related(
        "product", "campaign", "campaign_creator__creator"
    )
    items = []
    for link in links:
        store_id = link.campaign.store_id
        if store_id not in currency_of:
            continue
        r = amazon.get((store_id, link.amazon_creative_id), {})
        creator = link.campaign_creator.creator
        product = (link.product.title or link.product.asin) if link.product else "Store page"
        items.append(
            Ranked(
                currency_of[store_id],
                label=product,
                sublabel=f"{creator.name} · {link.campaign.name}",
                link=link,
                sales=r.get("s") or ZERO,
                purchases=r.get("p") or 0,
                clicks=r.get("c") or 0,
                link_clicks=clicks.get(link.pk, 0),
            )
        )
    return _rank(items)


def _rank(items: Any) -> dict[str, list[Ranked]]:
    per: dict[str, list[Ranked]] = defaultdict(list)
    for item in items:
        if item.sales or item.purchases or item.link_clicks or item.commission:
            per[item.currency].append(item)
    return {
        currency: sorted(rows, key=lambda r: r.key, reverse=True)[:TOP]
        for currency, rows in sorted(per.items())
    }


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
