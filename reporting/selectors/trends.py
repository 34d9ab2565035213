"""What the workflow dashboard adds to the overview's totals: the daily trend per currency
(Amazon's sales and clicks, our link clicks, provisional days marked), today's link clicks (ours
are real time), and the period's top creators and top links per currency.

The same levels as every other page (reporting.selectors.levels): the trend from Amazon's
campaign rows, creators from ad-group rows, links from creative rows; our link clicks without
bots. A fixed number of queries whatever the number of stores, creators, links or days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from attribution.models import DailyMetric, Store
from campaigns.models import AffiliateLink, CampaignCreator, LinkClickDaily
from commissions.models import Conversion
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
    """The trend, today's clicks and the top creators and links (eleven queries at most)."""
    currency_of = {s.pk: s.currency_code for s in stores}
    todays = {s.pk: s.today() for s in stores}
    currencies = sorted(set(currency_of.values()))
    first = provisional_from(latest)
    in_period = Q(date__gte=period.start, date__lte=period.end)

    # Amazon per store and day (campaign level): one query
    amazon: dict[tuple[str, date], dict[str, Any]] = defaultdict(
        lambda: {"sales": ZERO, "clicks": 0, "purchases": 0}
    )
    for r in (
        DailyMetric.objects.filter(in_period, level=TOTALS_LEVEL)
        .values("store_id", "date")
        .annotate(s=Sum("sales"), c=Sum("clicks"), p=Sum("purchases"))
    ):
        sums = amazon[(currency_of.get(r["store_id"], ""), r["date"])]
        sums["sales"] += r["s"] or ZERO
        sums["clicks"] += r["c"] or 0
        sums["purchases"] += r["p"] or 0

    # our clicks per store and day, the period and today in each store: one query
    ours: dict[tuple[str, date], int] = defaultdict(int)
    today: dict[str, int] = defaultdict(int)
    last = max([period.end, *todays.values()])
    for store_id, day, n in (
        LinkClickDaily.objects.filter(sub_id="", date__gte=period.start, date__lte=last)
        .values_list("link__campaign__store_id", "date")
        .annotate(n=Sum("clicks"))
    ):
        currency = currency_of.get(store_id, "")
        if day <= period.end:
            ours[(currency, day)] += n or 0
        if day == todays.get(store_id):
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
    purchases and our link clicks; commission owed for the period. Five queries."""
    in_period = Q(date__gte=period.start, date__lte=period.end)
    rows = list(
        DailyMetric.objects.filter(in_period, level=CREATOR_LEVEL)
        .values("store_id", "amazon_campaign_id", "amazon_adgroup_id")
        .annotate(s=Sum("sales"), p=Sum("purchases"), c=Sum("clicks"))
    )
    creator_of = {
        (r["campaign__store_id"], r["campaign__amazon_campaign_id"], r["amazon_adgroup_id"]): r[
            "creator_id"
        ]
        for r in CampaignCreator.objects.filter(
            amazon_adgroup_id__in={r["amazon_adgroup_id"] for r in rows}
        ).values(
            "creator_id", "amazon_adgroup_id", "campaign__store_id", "campaign__amazon_campaign_id"
        )
    }
    ranked: dict[tuple[str, int], Ranked] = {}

    def entry(currency: str, creator_id: int) -> Ranked:
        return ranked.setdefault((currency, creator_id), Ranked(currency, label=""))

    for r in rows:
        key = (r["store_id"], r["amazon_campaign_id"], r["amazon_adgroup_id"])
        creator_id = creator_of.get(key)
        if creator_id is None or r["store_id"] not in currency_of:
            continue
        item = entry(currency_of[r["store_id"]], creator_id)
        item.sales += r["s"] or ZERO
        item.purchases += r["p"] or 0
        item.clicks += r["c"] or 0
    for store_id, creator_id, n in (
        LinkClickDaily.objects.filter(in_period, sub_id="")
        .values_list("link__campaign__store_id", "link__campaign_creator__creator_id")
        .annotate(n=Sum("clicks"))
    ):
        if store_id in currency_of:
            entry(currency_of[store_id], creator_id).link_clicks += n or 0
    for currency, creator_id, owed in (
        Conversion.objects.filter(in_period)
        .owing()
        .with_owed()
        .values_list("currency", "creator_id")
        .annotate(Sum("owed"))
    ):
        entry(currency, creator_id).commission += owed or ZERO

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
    purchases and our link clicks. Three queries."""
    in_period = Q(date__gte=period.start, date__lte=period.end)
    amazon = {
        (r["store_id"], r["amazon_creative_id"]): r
        for r in DailyMetric.objects.filter(in_period, level=LINK_LEVEL)
        .values("store_id", "amazon_creative_id")
        .annotate(s=Sum("sales"), p=Sum("purchases"), c=Sum("clicks"))
    }
    clicks: dict[int, int] = {}
    clicked: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for link_id, store_id, n in (
        LinkClickDaily.objects.filter(in_period, sub_id="")
        .values_list("link_id", "link__campaign__store_id")
        .annotate(n=Sum("clicks"))
    ):
        clicks[link_id] = n or 0
        if store_id in currency_of:
            clicked[currency_of[store_id]].append((n or 0, link_id))
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
    show them next to the period's, which ends on the latest complete day. One query."""
    total = LinkClickDaily.objects.filter(
        link__campaign_id=campaign_id, date=today, sub_id=""
    ).aggregate(n=Sum("clicks"))["n"]
    return total or 0
