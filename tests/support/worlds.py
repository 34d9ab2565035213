"""Worlds built from the factories (tests/factories.py), one organisation at a time; the
fixtures in tests/conftest.py build them for the two tenants.

- `spring_campaign`: the campaign that the sandbox's tagged traffic of a store is for.
- `plain_world`: a campaign with facts, our clicks and conversions in every state, as plain
  rows (no sync): the API and payables tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from attribution.models import Store
from campaigns.models import AffiliateLink, Campaign, Product, TrackingPlan
from commissions.models import Conversion
from creators.models import CampaignCreator, Creator
from tests.factories import (
    AffiliateLinkFactory,
    CampaignCreatorFactory,
    CampaignFactory,
    ConversionFactory,
    DailyMetricFactory,
    LinkClickDailyFactory,
    ProductFactory,
)
from tests.support.campaigns import us_store_of


def spring_campaign(store: Store) -> Campaign:
    """The store's "spring" campaign with creators jane (override 12.5 %) and omar (10 %); the
    sandbox traffic (tests/support/amazon.py LINKS) also has a "summer" campaign nobody
    created (unmatched)."""
    campaign = CampaignFactory(
        store=store,
        tracking_plan__name="Influencers",
        tracking_plan__publisher_id="101",
        tracking_plan__publisher_name="Instagram",
        tracking_plan__template_tag="maas=x&ref_=aa_maas&tag=maas",
        name="Spring",
        starts_on=date(2026, 10, 1),
        status="active",
        default_commission_rate=Decimal("10.00"),
        settlement_days=30,
        amazon_campaign_id="spring",
    )
    for name, adgroup, override in (("Jane", "jane", Decimal("12.50")), ("Omar", "omar", None)):
        CampaignCreatorFactory(
            campaign=campaign,
            creator__name=name,
            creator__email=f"{adgroup}@creators.test",
            status="active",
            amazon_adgroup_id=adgroup,
            commission_rate_override=override,
        )
    return campaign


@dataclass
class PlainWorld:
    store: Store
    plan: TrackingPlan
    campaign: Campaign
    product: Product
    creators: list[Creator] = field(default_factory=list)
    ccs: list[CampaignCreator] = field(default_factory=list)
    links: list[AffiliateLink] = field(default_factory=list)
    conversions: list[Conversion] = field(default_factory=list)


def plain_world(tenant, stores: list[Store]) -> PlainWorld:
    """Plain rows for one tenant on its US store: a plan, a campaign with two creators (Jane,
    Omar), a product, a link each, five days of facts (matched, plus an unmatched "summer"
    row) and our clicks, and conversions awaiting, pending and approved for each creator."""
    store = us_store_of(stores)
    campaign = CampaignFactory(
        store=store,
        tracking_plan__name="Influencers",
        tracking_plan__publisher_id="101",
        tracking_plan__publisher_name="Instagram",
        tracking_plan__template_tag="maas=maas_adg_api_1_static_9_101&ref_=aa_maas&tag=maas",
        tracking_plan__tag_fetched_at="2026-10-01T00:00:00Z",
        name="Spring",
        starts_on=date(2026, 10, 1),
        status="active",
        default_commission_rate=Decimal("10.00"),
        amazon_campaign_id="spring",
    )
    product = ProductFactory(campaign=campaign, asin="B0AAAAAAA1", title="Bottle")
    w = PlainWorld(store, campaign.tracking_plan, campaign, product)
    for i, name in enumerate(("Jane", "Omar")):
        cc = CampaignCreatorFactory(
            campaign=campaign,
            creator__name=name,
            creator__email=f"{name.lower()}@{tenant.org.slug}.test",
            status="active",
            amazon_adgroup_id=name.lower(),
        )
        link = AffiliateLinkFactory(
            campaign_creator=cc,
            product=product,
            amazon_creative_id=f"{name.lower()}-1",
            code=f"{tenant.org.slug[:4]}{name.lower()}01",
            destination_url="https://www.amazon.com/dp/B0AAAAAAA1?tag=maas",
        )
        w.creators.append(cc.creator)
        w.ccs.append(cc)
        w.links.append(link)
        for d in range(5):
            day = date(2026, 10, 20) + timedelta(days=d)
            for level, creative in (("adgroup", ""), ("creative", f"{name.lower()}-1")):
                DailyMetricFactory(
                    store=store,
                    date=day,
                    level=level,
                    amazon_campaign_id="spring",
                    amazon_adgroup_id=name.lower(),
                    amazon_creative_id=creative,
                    clicks=10 + d + i,
                    purchases=1 + i,
                    units_sold=1 + i,
                    sales=Decimal("19.99") * (1 + i),
                    total_sales=Decimal("25.00") * (1 + i),
                    total_purchases=2 + i,
                    total_units_sold=2 + i,
                    brand_referral_bonus=Decimal("2.00") if level == "adgroup" else 0,
                )
            LinkClickDailyFactory(link=link, date=day, clicks=12 + d)
        for n, status in enumerate(("awaiting", "pending", "approved")):
            w.conversions.append(
                ConversionFactory(
                    campaign_creator=cc,
                    date=date(2026, 10, 20) + timedelta(days=n),
                    currency="USD",
                    purchases=1,
                    units_sold=1,
                    sales=Decimal("19.99"),
                    commission_rate=Decimal("10.00"),
                    commission=Decimal("2.00"),
                    settles_on=date(2026, 11, 19) + timedelta(days=n),
                    status=status,
                )
            )
    DailyMetricFactory(
        store=store,
        date=date(2026, 10, 21),
        level="adgroup",
        amazon_campaign_id="summer",
        amazon_adgroup_id="lee",
        clicks=30,
        purchases=3,
        sales=Decimal("77.70"),
        total_sales=Decimal("80.00"),
    )
    return w
