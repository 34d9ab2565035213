"""The organisation's workflow dashboard: sales per currency (never summed across currencies),
per store and per campaign, conversions awaiting approval, and every store's freshness.
A fixed number of queries whatever the number of stores, campaigns or days.

Store and campaign figures are Amazon's campaign level (reporting.selectors.levels); what the
creators' ad groups do not add up to is shown as not yet attributed to a creator."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from attribution.models import RollupLevel, Store
from attribution.rollups import KeyFilter, metric_ranges
from campaigns.models import Campaign, ClickScope
from campaigns.rollups import click_ranges
from commissions.models import OwedScope
from commissions.rollups import Awaiting, awaiting_totals, owed_ranges
from reporting.selectors.freshness import Freshness, store_freshness
from reporting.selectors.levels import TOTALS_LEVEL
from reporting.values import METRICS, Period, Totals

TOP_CAMPAIGNS = 10


@dataclass
class StoreLine:
    store: Store
    totals: Totals
    unmatched: Totals
    not_attributed: Totals = field(default_factory=Totals)  # campaign rows less ad groups


@dataclass
class CampaignLine:
    campaign: Campaign
    totals: Totals
    not_attributed: Totals = field(default_factory=Totals)


@dataclass
class CurrencyLine:
    currency: str
    totals: Totals = field(default_factory=Totals)
    stores: int = 0
    not_attributed: Totals = field(default_factory=Totals)


@dataclass
class Overview:
    period: Period
    currencies: list[CurrencyLine]
    stores: list[StoreLine]
    campaigns: list[CampaignLine]
    awaiting: list[Awaiting]
    freshness: list[Freshness]

    @property
    def has_data(self) -> bool:
        return any(line.totals.clicks or line.totals.total_sales for line in self.stores)

    @property
    def has_not_attributed(self) -> bool:
        return any(line.not_attributed.has_amazon_counts for line in self.stores)


def organization_overview(*, period: Period) -> Overview:
    stores = list(Store.objects.select_related("connection").order_by("country_code", "pk"))
    campaigns = {
        (c.store_id, c.amazon_campaign_id): c for c in Campaign.objects.select_related("store")
    }

    # Amazon's campaign rows and the sum of their ad groups per (store, campaign id): one query
    # (from the rollups: a campaign's ad groups are one key, ADGROUPS)
    per_campaign_id = metric_ranges(
        keys=KeyFilter(levels=(TOTALS_LEVEL, RollupLevel.ADGROUPS)),
        ranges={"period": (period.start, period.end)},
    )
    store_totals: dict[int, Totals] = defaultdict(Totals)
    unmatched: dict[int, Totals] = defaultdict(Totals)
    campaign_totals: dict[int, Totals] = defaultdict(Totals)
    store_creators: dict[int, Totals] = defaultdict(Totals)
    campaign_creators: dict[int, Totals] = defaultdict(Totals)
    for (store_id, level, amazon_campaign_id, _, _), figures in per_campaign_id.items():
        row = figures["period"]
        if not row["fact_rows"]:
            continue  # no facts in the period (as a SUM over them would have no row)
        campaign = campaigns.get((store_id, amazon_campaign_id))
        if level == RollupLevel.ADGROUPS:
            store_creators[store_id].add(row)
            if campaign is not None:
                campaign_creators[campaign.pk].add(row)
            continue
        store_totals[store_id].add(row)
        if campaign is None:
            unmatched[store_id].add(row)
        else:
            campaign_totals[campaign.pk].add(row)

    # our clicks per campaign (bots excluded): one query
    for campaign_id, clicks in click_ranges(
        scope=ClickScope.CAMPAIGN, ranges={"period": (period.start, period.end)}
    ).items():
        if clicks["period"].link_days:  # clicks rows in the period
            campaign_totals[campaign_id].link_clicks = clicks["period"].clicks
    # commission owed per campaign for the period: one query (from the owed rollups)
    for campaign_id, owed in owed_ranges(
        scope=OwedScope.CAMPAIGN, ranges={"period": (period.start, period.end)}
    ).items():
        if owed["period"].conversions:  # owing conversions in the period
            campaign_totals[campaign_id].commission += owed["period"].owed

    by_store_id = {s.pk: s for s in stores}
    for campaign in campaigns.values():
        totals = campaign_totals.get(campaign.pk)
        if totals:
            store_totals[campaign.store_id].link_clicks += totals.link_clicks
            store_totals[campaign.store_id].commission += totals.commission

    currencies: dict[str, CurrencyLine] = {}
    for store in stores:
        line = currencies.setdefault(store.currency_code, CurrencyLine(store.currency_code))
        line.stores += 1
        totals = store_totals.get(store.pk, Totals())
        for name in ("link_clicks", *METRICS, "commission"):
            setattr(line.totals, name, getattr(line.totals, name) + getattr(totals, name))
        line.not_attributed.add(vars(totals.amazon_minus(store_creators[store.pk])))

    top = sorted(
        (
            CampaignLine(
                c,
                campaign_totals[c.pk],
                campaign_totals[c.pk].amazon_minus(campaign_creators[c.pk]),
            )
            for c in campaigns.values()
            if c.pk in campaign_totals and c.store_id in by_store_id
        ),
        key=lambda line: (line.totals.total_sales, line.totals.link_clicks),
        reverse=True,
    )[:TOP_CAMPAIGNS]

    awaiting = awaiting_totals()  # from the awaiting deltas: one query of a few rows
    return Overview(
        period=period,
        currencies=sorted(currencies.values(), key=lambda c: c.currency),
        stores=[
            StoreLine(
                s,
                store_totals.get(s.pk, Totals()),
                unmatched.get(s.pk, Totals()),
                store_totals.get(s.pk, Totals()).amazon_minus(store_creators[s.pk]),
            )
            for s in stores
        ],
        campaigns=top,
        awaiting=awaiting,
        freshness=store_freshness(stores),
    )
