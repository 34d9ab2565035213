"""Worlds built from the factories (tests/factories.py), one organisation at a time; the
fixtures in tests/conftest.py build them for the two tenants.

- `spring_campaign`: the campaign that the sandbox's tagged traffic of a store is for.
- `plain_world`: a campaign with facts, our clicks and conversions in every state, as plain
  rows (no sync): the API and payables tests; `owed_conversions` adds what payables owe.
- `formatted_stores`: a USD and a JPY store with names a spreadsheet would run (exports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from attribution.models import Store
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, Product, TrackingPlan
from commissions.models import Conversion
from creators.models import Creator
from tests.factories import (
    AffiliateLinkFactory,
    AmazonConnectionFactory,
    CampaignCreatorFactory,
    CampaignFactory,
    ConversionAdjustmentFactory,
    ConversionFactory,
    DailyMetricFactory,
    LinkClickDailyFactory,
    ProductFactory,
    StoreFactory,
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


def formatted_stores(tenant) -> tuple[Store, Store]:
    """A USD and a JPY store, names a spreadsheet would run, a clawback bigger than the
    commission (a negative amount)."""
    conn = AmazonConnectionFactory(organization=tenant.org, region="NA", status="active")
    usd = StoreFactory(
        connection=conn,
        profile_id=1,
        country_code="US",
        currency_code="USD",
        timezone="America/Los_Angeles",
        advertiser_name="=Acme",
    )
    jpy = StoreFactory(
        connection=conn,
        profile_id=2,
        country_code="JP",
        currency_code="JPY",
        timezone="Asia/Tokyo",
        advertiser_name="Acme JP",
    )
    camp = CampaignFactory(
        store=usd,
        tracking_plan__name="P",
        tracking_plan__publisher_id="1",
        tracking_plan__template_tag="maas=x",
        tracking_plan__tag_fetched_at="2026-01-01T00:00:00Z",
        name="@SUM(1)",
        starts_on=date(2026, 1, 1),
        default_commission_rate=Decimal("10"),
        amazon_campaign_id="c1",
    )
    ccs = [
        CampaignCreatorFactory(campaign=camp, creator__name=name, amazon_adgroup_id=adgroup)
        for name, adgroup in (('=HYPERLINK("http://x")', "a"), ("\tTabby", "b"), ("-5 tips", "c"))
    ]
    day = date(2026, 3, 2)
    DailyMetricFactory(
        store=usd,
        date=day,
        level="adgroup",
        amazon_campaign_id="c1",
        amazon_adgroup_id="a",
        clicks=3,
        purchases=1,
        sales=Decimal("1234.50"),
        total_sales=Decimal("1234.50"),
    )
    DailyMetricFactory(
        store=usd,
        date=day,
        level="adgroup",
        amazon_campaign_id="c1",
        amazon_adgroup_id="b",
    )
    DailyMetricFactory(
        store=jpy,
        date=day,
        level="adgroup",
        amazon_campaign_id="zz",
        amazon_adgroup_id="zz",
        clicks=7,
        purchases=2,
        sales=Decimal("12345.00"),
        total_sales=Decimal("20000.00"),
    )
    conversion = ConversionFactory(
        campaign_creator=ccs[2],  # "-5 tips"
        date=day,
        currency="USD",
        commission_rate=Decimal("10"),
        commission=Decimal("0.50"),
        settles_on=day,
        status="approved",
    )
    ConversionAdjustmentFactory(
        conversion=conversion, kind="clawback", included=False, commission=Decimal("-1.75")
    )
    return usd, jpy


def owed_conversions(world: PlainWorld) -> tuple[Conversion, Conversion, Conversion]:
    """What payables owe in a plain world: Jane's approved (Oct 22) conversion, Omar's approved
    one plus a clawback after approval, and Jane's payable one in September (returned in that
    order); pending/awaiting ones are not owed yet."""
    jane_approved = world.conversions[2]
    omar_approved = world.conversions[5]
    ConversionAdjustmentFactory(
        conversion=omar_approved, kind="clawback", included=False, commission=Decimal("-0.40")
    )
    # an adjustment already folded in (undecided) is never owed on top
    ConversionAdjustmentFactory(
        conversion=world.conversions[0],
        kind="restatement",
        included=True,
        commission=Decimal("5.00"),
    )
    september = ConversionFactory(
        campaign_creator=world.ccs[0],
        date=date(2026, 9, 30),
        currency="USD",
        commission_rate=Decimal("10"),
        commission=Decimal("3.33"),
        sales=Decimal("33.30"),
        settles_on=date(2026, 10, 30),
        status="payable",
    )
    return jane_approved, omar_approved, september
