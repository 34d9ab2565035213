"""Stores in any currency and time zone, without the Amazon sandbox: the rows a sync leaves.
Built with the factories (tests/factories.py); the `stores` fixture (tests/core/conftest.py)
makes four of them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from attribution.models import Store
from campaigns.models import Campaign
from tests.factories import (
    CampaignCreatorFactory,
    CampaignFactory,
    DailyMetricFactory,
    StoreFactory,
)

DAY = date(2026, 10, 20)
RANGE = {"range": "custom", "start": "2026-10-01", "end": "2026-10-31"}


def store_create(tenant, *, currency: str, timezone: str, country: str, profile: int) -> Store:
    """A store of the tenant on a connection of its own, with Amazon's data through October."""
    return StoreFactory(
        organization=tenant.org,
        connection__status="active",
        profile_id=profile,
        country_code=country,
        currency_code=currency,
        timezone=timezone,
        account_name=f"Store {country}",
        advertiser_id=f"adv-{profile}",
        data_through=date(2026, 10, 31),
    )


def campaign_with_sales(tenant, store: Store, *, sales: Decimal, name: str) -> Campaign:
    """A campaign with one creator and one day of Amazon's ad-group row: `sales` promoted,
    twice that brand total."""
    campaign = CampaignFactory(
        organization=tenant.org,
        store=store,
        tracking_plan__name="Influencers",
        tracking_plan__publisher_id="101",
        tracking_plan__template_tag="maas=x&ref_=aa_maas&tag=maas",
        tracking_plan__tag_fetched_at=datetime(2026, 10, 1, tzinfo=UTC),
        name=name,
        starts_on=date(2026, 10, 1),
        status="active",
        default_commission_rate=Decimal("10.00"),
        amazon_campaign_id=f"c-{store.pk}",
    )
    CampaignCreatorFactory(
        campaign=campaign,
        creator__name="Jane",
        creator__email=f"jane{store.pk}@creators.test",
        status="active",
        amazon_adgroup_id="jane",
    )
    DailyMetricFactory(
        store=store,
        date=DAY,
        level="adgroup",
        amazon_campaign_id=campaign.amazon_campaign_id,
        amazon_adgroup_id="jane",
        clicks=40,
        purchases=3,
        units_sold=3,
        sales=sales,
        total_sales=sales * 2,
    )
    return campaign
