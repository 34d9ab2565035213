"""A creator's numbers in one brand (tenant in scope), from stored facts only:

- clicks: our first-party rollup (LinkClickDaily, bots and the creator's own clicks excluded);
- Amazon: DailyMetric (read from its rollups, attribution.rollups) at ad-group level for the
  creator's own (campaign id, ad group id) pairs on each store, and at creative level for one
  link. Never a campaign's or a brand's total.

Money is per store (each store has one currency), so numbers come per store and are never
summed across currencies. A fixed number of queries whatever the number of campaigns, links
or days."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, Sum

from attribution.models import RollupLevel, Store
from attribution.rollups import LIFETIME, Figures, KeyFilter, day_sums, metric_ranges
from campaigns.models import (
    HIDDEN_FROM_CREATORS,
    AffiliateLink,
    Campaign,
    CampaignCreator,
    LinkClickDaily,
)
from creators.models import Creator
from reporting.selectors.freshness import Freshness, store_freshness
from reporting.values import METRICS, RESTATEMENT_DAYS, ZERO, Period, Totals, threshold_note

# What a creator sees of Amazon's report (no Brand Referral Bonus: that is the brand's).
# What a creator sees of Amazon's metrics (no brand detail views, carts or the Brand Referral
# Bonus), in the order of the one metric list.
AMAZON_METRICS = tuple(
    m
    for m in METRICS
    if m
    not in (
        "total_detail_page_views",
        "total_add_to_cart",
        "total_purchases",
        "total_units_sold",
        "brand_referral_bonus",
    )
)


CREATOR_FRESHNESS_NOTE = (
    "Clicks can take up to 24 hours and sales up to 48 hours to reach Amazon's numbers; the "
    "last 28 days can still change."
)


def freshness_text(freshness: Freshness) -> str:
    """The brand dashboard's freshness line in the creator's terms: no Brand Referral Bonus,
    and nothing only the brand can act on (sync errors, reconnecting Amazon)."""
    through = freshness.data_through
    if through is None:
        if freshness.state in ("syncing", "never"):
            return "No Amazon data yet: it arrives a day or two after the first clicks."
        return "No Amazon data yet: the brand's Amazon numbers are delayed. Clicks keep counting."
    line = f"Amazon data through {through:%-d %b %Y} ({freshness.store.timezone})."
    if not freshness.ok:
        return f"{line} Newer Amazon numbers are delayed on the brand's side; clicks keep counting."
    return f"{line} {CREATOR_FRESHNESS_NOTE}"


@dataclass
class CampaignTotals:
    campaign_creator: CampaignCreator
    figures: Totals
    our_lifetime_clicks: int
    amazon_lifetime_clicks: int

    @property
    def campaign(self) -> Campaign:
        return self.campaign_creator.campaign

    @property
    def threshold(self) -> str:
        return threshold_note(
            our_clicks=self.our_lifetime_clicks, amazon_clicks=self.amazon_lifetime_clicks
        )


@dataclass
class StoreNumbers:
    """The creator's numbers on one store (one currency)."""

    store: Store
    freshness: Freshness
    period: Period
    today: date
    figures: Totals = field(default_factory=Totals)
    clicks_today: int = 0
    campaigns: list[CampaignTotals] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.store.currency_code

    @property
    def freshness_text(self) -> str:
        return freshness_text(self.freshness)

    @property
    def halo(self) -> bool:
        """Whether a campaign pays on the brand total, so that figure matters to the creator."""
        return any(
            c.campaign.commission_basis == Campaign.CommissionBasis.TOTAL for c in self.campaigns
        )

    @property
    def thresholds(self) -> list[CampaignTotals]:
        return [c for c in self.campaigns if c.threshold]


def _series(
    period: Period, today: date, amazon: dict[date, dict], ours: dict[date, int]
) -> list[dict[str, Any]]:
    provisional_from = today - timedelta(days=RESTATEMENT_DAYS)
    rows = []
    for offset in range(period.days):
        day = period.start + timedelta(days=offset)
        fact = amazon.get(day, {})
        rows.append(
            {
                "date": day.isoformat(),
                "link_clicks": ours.get(day, 0),
                "clicks": fact.get("clicks") or 0,
                "purchases": fact.get("purchases") or 0,
                "sales": str(fact.get("sales") or ZERO),
                "provisional": day >= provisional_from,
            }
        )
    return rows


def _prefixed(prefix: str, figures: Figures) -> dict[str, Any]:
    return {f"{prefix}{m}": figures[m] for m in AMAZON_METRICS}


def creator_numbers(*, creator: Creator, period: Period) -> list[StoreNumbers]:
    """The creator's numbers per store for `period`, including campaigns they were removed
    from (what they earned there is still theirs). Seven queries."""
    ccs = list(
        CampaignCreator.objects.filter(creator=creator)
        .exclude(campaign__status__in=HIDDEN_FROM_CREATORS)
        .select_related("campaign__store__connection")
        .order_by("-campaign__starts_on", "-campaign_id")
    )
    if not ccs:
        return []
    stores = {cc.campaign.store_id: cc.campaign.store for cc in ccs}
    todays = {store_id: store.today() for store_id, store in stores.items()}
    in_period = Q(date__gte=period.start, date__lte=period.end)

    # Amazon, ad-group level, only the creator's own ad groups: per ad group (period and
    # lifetime), then per store and day (chart)
    own_adgroups = KeyFilter(
        levels=(RollupLevel.ADGROUP,),
        keys=tuple(
            {
                (cc.campaign.store_id, cc.campaign.amazon_campaign_id, cc.amazon_adgroup_id, "")
                for cc in ccs
            }
        ),
    )
    amazon = {
        (store_id, campaign_id, adgroup_id): {
            **_prefixed("p_", figures["p"]),
            "lifetime_clicks": figures[LIFETIME]["clicks"],
        }
        for (store_id, _, campaign_id, adgroup_id, _), figures in metric_ranges(
            keys=own_adgroups, ranges={"p": (period.start, period.end)}
        ).items()
    }
    amazon_days: dict[int, dict[date, dict]] = defaultdict(dict)
    for r in day_sums(own_adgroups, period.start, period.end, AMAZON_METRICS, by=("store_id",)):
        amazon_days[r["store_id"]][r["date"]] = r

    # our clicks: per campaign (period and lifetime), then per store and day (chart, today)
    ours = LinkClickDaily.objects.filter(link__campaign_creator__creator=creator, sub_id="")
    our_cc = {
        r["link__campaign_creator_id"]: r
        for r in ours.values("link__campaign_creator_id").annotate(
            lifetime=Sum("clicks"), current=Sum("clicks", filter=in_period)
        )
    }
    first_day = min(period.start, *(t - timedelta(days=1) for t in todays.values()))
    last_day = max(period.end, *todays.values())
    our_days: dict[int, dict[date, int]] = defaultdict(dict)
    for store_id, day, clicks in (
        ours.filter(date__gte=first_day, date__lte=last_day)
        .values_list("link__campaign__store_id", "date")
        .annotate(Sum("clicks"))
    ):
        our_days[store_id][day] = clicks or 0

    freshness = {f.store.pk: f for f in store_freshness(list(stores.values()))}
    result: dict[int, StoreNumbers] = {}
    for cc in ccs:
        store_id = cc.campaign.store_id
        numbers = result.get(store_id)
        if numbers is None:
            numbers = result[store_id] = StoreNumbers(
                stores[store_id], freshness[store_id], period, todays[store_id]
            )
        figures = Totals()
        fact = amazon.get((store_id, cc.campaign.amazon_campaign_id, cc.amazon_adgroup_id), {})
        figures.add(fact, "p_")
        mine = our_cc.get(cc.pk, {})
        figures.link_clicks = mine.get("current") or 0
        numbers.figures.add({m: getattr(figures, m) for m in AMAZON_METRICS})
        numbers.figures.link_clicks += figures.link_clicks
        numbers.campaigns.append(
            CampaignTotals(cc, figures, mine.get("lifetime") or 0, fact.get("lifetime_clicks") or 0)
        )
    for store_id, numbers in result.items():
        days = our_days.get(store_id, {})
        numbers.clicks_today = days.get(numbers.today, 0)
        in_range = {d: n for d, n in days.items() if period.start <= d <= period.end}
        numbers.series = _series(period, numbers.today, amazon_days.get(store_id, {}), in_range)
    return list(result.values())


@dataclass
class LinkNumbers:
    link: AffiliateLink
    period: Period
    today: date
    freshness: Freshness
    figures: Totals
    clicks_today: int
    our_lifetime_clicks: int
    amazon_lifetime_clicks: int
    sub_ids: list[dict[str, Any]]
    series: list[dict[str, Any]]

    @property
    def threshold(self) -> str:
        return threshold_note(
            our_clicks=self.our_lifetime_clicks, amazon_clicks=self.amazon_lifetime_clicks
        )

    @property
    def freshness_text(self) -> str:
        return freshness_text(self.freshness)


def link_numbers(*, link: AffiliateLink, period: Period) -> LinkNumbers:
    """One of the creator's links: our clicks (all and per sub-ID) and Amazon's creative-level
    row for exactly this link. Six queries."""
    store = link.campaign.store
    today = store.today()
    in_period = Q(date__gte=period.start, date__lte=period.end)
    creative = KeyFilter(
        levels=(RollupLevel.CREATIVE,),
        keys=(
            (
                store.pk,
                link.campaign.amazon_campaign_id,
                link.campaign_creator.amazon_adgroup_id,
                link.amazon_creative_id,
            ),
        ),
    )
    agg: dict[str, Any] = {"lifetime_clicks": None}
    for ranged in metric_ranges(keys=creative, ranges={"p": (period.start, period.end)}).values():
        agg = {**_prefixed("p_", ranged["p"]), "lifetime_clicks": ranged[LIFETIME]["clicks"]}
    figures = Totals()
    figures.add(agg, "p_")
    amazon_days = {
        r["date"]: r for r in day_sums(creative, period.start, period.end, AMAZON_METRICS)
    }

    rows = LinkClickDaily.objects.filter(link=link)
    mine = rows.filter(sub_id="").aggregate(
        lifetime=Sum("clicks"), current=Sum("clicks", filter=in_period)
    )
    figures.link_clicks = mine["current"] or 0
    first_day, last_day = min(period.start, today), max(period.end, today)
    days = dict(
        rows.filter(sub_id="", date__gte=first_day, date__lte=last_day)
        .values_list("date")
        .annotate(Sum("clicks"))
    )
    sub_ids = list(
        rows.filter(in_period)
        .exclude(sub_id="")
        .values("sub_id")
        .annotate(clicks=Sum("clicks"), raw_hits=Sum("raw_hits"), bot_hits=Sum("bot_hits"))
        .order_by("-clicks", "sub_id")
    )
    in_range = {d: n or 0 for d, n in days.items() if period.start <= d <= period.end}
    (freshness,) = store_freshness([store])
    return LinkNumbers(
        link=link,
        period=period,
        today=today,
        freshness=freshness,
        figures=figures,
        clicks_today=days.get(today) or 0,
        our_lifetime_clicks=mine["lifetime"] or 0,
        amazon_lifetime_clicks=agg["lifetime_clicks"] or 0,
        sub_ids=sub_ids,
        series=_series(period, today, amazon_days, in_range),
    )
