"""Campaign performance: KPIs (with the previous period), the daily series, the funnel, and the
per-creator and per-link tables. Reads the rollups of Amazon's facts (attribution.rollups) and
our own click rollups only, in a fixed number of queries whatever the number of creators, links
or days.

Which Amazon level answers what (reporting.selectors.levels): campaign totals and the daily
series from campaign rows, creators from ad-group rows, links from creative rows; the campaign's
total less its creators' is shown as not yet attributed to a creator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from attribution.models import AMAZON_MASK_CLICKS, MetricRevision, Store, SyncRun
from attribution.rollups import LIFETIME, Figures, KeyFilter, metric_ranges, rollup_days
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, ClickScope
from campaigns.rollups import click_days, click_ranges
from commissions.models import OwedScope
from commissions.rollups import owed_ranges
from reporting.selectors.levels import CREATOR_LEVEL, LINK_LEVEL, TOTALS_LEVEL
from reporting.values import (
    METRICS,
    RESTATEMENT_DAYS,
    ZERO,
    Period,
    Totals,
    change,
    threshold_note,
)


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


@dataclass
class Performance:
    campaign: Campaign
    period: Period
    current: Totals
    previous: Totals
    series: list[dict[str, Any]]
    creators: list[Row]
    links: list[Row]
    changes: list[MetricRevision]
    # the campaign's Amazon figures less its ad groups': not yet attributed to a creator
    not_attributed: Totals = field(default_factory=Totals)

    @property
    def currency(self) -> str:
        return self.campaign.store.currency_code

    def kpi_changes(self) -> dict[str, Decimal | None]:
        names = ["link_clicks", *METRICS, "commission"]
        result = {n: change(getattr(self.current, n), getattr(self.previous, n)) for n in names}
        result["conversion_rate"] = change(
            self.current.conversion_rate, self.previous.conversion_rate
        )
        return result

    @property
    def funnel(self) -> list[tuple[str, int, Decimal | None]]:
        steps = [
            ("Link clicks (ours)", self.current.link_clicks),
            ("Amazon clicks", self.current.clicks),
            ("Detail page views", self.current.detail_page_views),
            ("Add to cart", self.current.add_to_cart),
            ("Purchases", self.current.purchases),
        ]
        out: list[tuple[str, int, Decimal | None]] = []
        previous: int | None = None
        for label, value in steps:
            ratio = (Decimal(value) * 100 / previous).quantize(Decimal("0.1")) if previous else None
            out.append((label, value, ratio))
            previous = value
        return out


def _prefixed(prefix: str, figures: Figures) -> dict[str, Any]:
    return {f"{prefix}{m}": figures[m] for m in METRICS}


def campaign_performance(*, campaign: Campaign, period: Period, today: date) -> Performance:
    """Ten queries whatever the number of creators, links or days."""
    store: Store = campaign.store
    prev = period.previous()
    ranges = {"c": (period.start, period.end), "p": (prev.start, prev.end)}
    keys = KeyFilter(
        levels=(TOTALS_LEVEL, CREATOR_LEVEL),
        store_id=store.pk,
        amazon_campaign_id=campaign.amazon_campaign_id,
    )

    # Amazon's campaign row and each ad group: both periods and lifetime clicks (one query,
    # from the rollups). The totals are the campaign level's; what its ad groups do not add up
    # to is not yet attributed to a creator.
    per_adgroup: dict[str, dict[str, Any]] = {}
    current, previous = Totals(), Totals()
    for (_, level, _, adgroup_id, _), figures in metric_ranges(keys=keys, ranges=ranges).items():
        if level == TOTALS_LEVEL:
            current.add(figures["c"])
            previous.add(figures["p"])
        else:
            per_adgroup[adgroup_id] = {
                **_prefixed("c_", figures["c"]),
                "lifetime_clicks": figures[LIFETIME]["clicks"],
            }
    creators_sum = Totals()
    for row in per_adgroup.values():
        creators_sum.add(row, "c_")
    not_attributed = current.amazon_minus(creators_sum)

    # Our clicks (bots excluded) per campaign creator: both periods and lifetime.
    ours = {
        cc_id: {name: clicks.clicks for name, clicks in figures.items()}
        for cc_id, figures in click_ranges(
            scope=ClickScope.CREATOR, campaign_id=campaign.pk, ranges=ranges
        ).items()
    }
    current.link_clicks = sum(r["c"] or 0 for r in ours.values())
    previous.link_clicks = sum(r["p"] or 0 for r in ours.values())

    # Commission owed per campaign creator, both periods (from the owed rollups).
    owed = owed_ranges(scope=OwedScope.CREATOR, campaign_id=campaign.pk, ranges=ranges)
    current.commission = sum((o["c"].owed for o in owed.values()), ZERO)
    previous.commission = sum((o["p"].owed for o in owed.values()), ZERO)

    # Daily series: Amazon per day (campaign level) and our clicks per day.
    by_day: dict[date, Any] = {
        r["date"]: r
        for r in rollup_days(
            KeyFilter(
                levels=(TOTALS_LEVEL,),
                store_id=store.pk,
                amazon_campaign_id=campaign.amazon_campaign_id,
            ),
            period.start,
            period.end,
        )
        .values("date")
        .annotate(day_sales=Sum("sales"), day_purchases=Sum("purchases"), day_clicks=Sum("clicks"))
    }
    clicks_by_day = dict(
        click_days(
            scope=ClickScope.CAMPAIGN, scope_id=campaign.pk, start=period.start, end=period.end
        ).values_list("date", "clicks")
    )
    provisional_from = today - timedelta(days=RESTATEMENT_DAYS)
    series = []
    for offset in range(period.days):
        day = period.start + timedelta(days=offset)
        row = by_day.get(day, {})
        series.append(
            {
                "date": day.isoformat(),
                "sales": str(row.get("day_sales") or ZERO),
                "purchases": row.get("day_purchases") or 0,
                "clicks": row.get("day_clicks") or 0,
                "link_clicks": clicks_by_day.get(day, 0),
                "provisional": day >= provisional_from,
            }
        )

    creators = []
    for cc_id, adgroup_id, name, handle, email, override in CampaignCreator.objects.filter(
        campaign=campaign
    ).values_list(
        "pk",
        "amazon_adgroup_id",
        "creator__name",
        "creator__handle",
        "creator__email",
        "commission_rate_override",
    ):
        totals = Totals()
        fact = per_adgroup.get(adgroup_id, {})
        totals.add(fact, "c_")
        mine = ours.get(cc_id, {})
        totals.link_clicks = mine.get("c") or 0
        totals.commission = owed[cc_id]["c"].owed if cc_id in owed else ZERO
        creators.append(
            Row(
                key=str(cc_id),
                label=name,
                sublabel=handle or email,
                totals=totals,
                our_lifetime_clicks=mine.get("lifetime") or 0,
                amazon_lifetime_clicks=fact.get("lifetime_clicks") or 0,
                # CampaignCreator.commission_rate, without an instance per creator
                commission_rate=override
                if override is not None
                else campaign.default_commission_rate,
            )
        )

    return Performance(
        campaign=campaign,
        period=period,
        current=current,
        previous=previous,
        series=series,
        creators=creators,
        links=_link_rows(campaign, period),
        changes=_last_changes(campaign),
        not_attributed=not_attributed,
    )


def _link_rows(campaign: Campaign, period: Period) -> list[Row]:
    """Three queries: links, Amazon per creative id (range + lifetime, from the rollups), our
    clicks."""
    keys = KeyFilter(
        levels=(LINK_LEVEL,),
        store_id=campaign.store_id,
        amazon_campaign_id=campaign.amazon_campaign_id,
    )
    amazon: dict[str, dict[str, Any]] = {}
    for (*_, creative_id), figures in metric_ranges(
        keys=keys, ranges={"r": (period.start, period.end)}
    ).items():
        # a creative id under two ad groups counts once per link, summed as the facts were
        row = amazon.setdefault(creative_id, {"lifetime_clicks": 0})
        for name, value in _prefixed("r_", figures["r"]).items():
            row[name] = row.get(name, 0) + value
        row["lifetime_clicks"] += figures[LIFETIME]["clicks"]
    ours = {
        link_id: {name: clicks.clicks for name, clicks in figures.items()}
        for link_id, figures in click_ranges(
            scope=ClickScope.LINK,
            campaign_id=campaign.pk,
            ranges={"current": (period.start, period.end)},
        ).items()
    }
    rows = []
    for pk, code, creative_id, title, asin, product_id, creator_name in (
        AffiliateLink.objects.filter(campaign=campaign)
        .order_by("pk")
        .values_list(
            "pk",
            "code",
            "amazon_creative_id",
            "product__title",
            "product__asin",
            "product_id",
            "campaign_creator__creator__name",
        )
    ):
        totals = Totals()
        fact = amazon.get(creative_id, {})
        totals.add(fact, "r_")
        mine = ours.get(pk, {})
        totals.link_clicks = mine.get("current") or 0
        rows.append(
            Row(
                key=str(pk),
                label=(title or asin) if product_id else "Store page",
                sublabel=creator_name,
                totals=totals,
                our_lifetime_clicks=mine.get("lifetime") or 0,
                amazon_lifetime_clicks=fact.get("lifetime_clicks") or 0,
                link=LinkRef(pk, code, creative_id),
            )
        )
    return rows


def _last_changes(campaign: Campaign, limit: int = 20) -> list[MetricRevision]:
    """What Amazon changed for this campaign at the store's last successful sync."""
    last = (
        SyncRun.objects.filter(store_id=campaign.store_id, status=SyncRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("pk", flat=True)[:1]
    )
    return list(
        MetricRevision.objects.filter(
            sync_run_id__in=last,
            amazon_campaign_id=campaign.amazon_campaign_id,
            level=CREATOR_LEVEL,
        ).order_by("date")[:limit]
    )


SORTS = {
    "name": lambda r: r.label.lower(),
    "link_clicks": lambda r: r.totals.link_clicks,
    "clicks": lambda r: r.totals.clicks,
    "purchases": lambda r: r.totals.purchases,
    "sales": lambda r: r.totals.sales,
    "commission": lambda r: r.totals.commission,
    "dpv": lambda r: r.totals.detail_page_views,
}


def table_view(
    rows: list[Row],
    *,
    q: str = "",
    sort: str = "sales",
    descending: bool = True,
    page: int = 1,
    per_page: int = 25,
) -> dict[str, Any]:
    """Search, sort and paginate a table's rows (bounded by one campaign's creators/links)."""
    q = q.strip().lower()
    if q:
        rows = [r for r in rows if q in r.label.lower() or q in r.sublabel.lower()]
    key = SORTS.get(sort, SORTS["sales"])
    rows = sorted(rows, key=key, reverse=descending)
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(1, page), pages)
    return {
        "rows": rows[(page - 1) * per_page : page * per_page],
        "count": len(rows),
        "page": page,
        "pages": pages,
        "sort": sort if sort in SORTS else "sales",
        "descending": descending,
        "q": q,
    }
