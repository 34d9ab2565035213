"""Stores in any currency and time zone, without the Amazon sandbox: the rows a sync leaves."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from attribution.models import AmazonConnection, DailyMetric, Store
from campaigns.models import Campaign, CampaignCreator, TrackingPlan
from creators.models import Creator
from tenancy.scoping import tenant_scope

DAY = date(2026, 10, 20)
RANGE = {"range": "custom", "start": "2026-10-01", "end": "2026-10-31"}


def store_create(tenant, *, currency: str, timezone: str, country: str, profile: int) -> Store:
    with tenant_scope(tenant.org):
        connection = AmazonConnection.objects.create(region="NA", status="active")
        return Store.objects.create(
            connection=connection,
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
    with tenant_scope(tenant.org):
        plan = TrackingPlan.objects.create(
            store=store,
            name="Influencers",
            publisher_id="101",
            template_tag="maas=x&ref_=aa_maas&tag=maas",
            tag_fetched_at=datetime(2026, 10, 1, tzinfo=UTC),
        )
        campaign = Campaign.objects.create(
            store=store,
            tracking_plan=plan,
            name=name,
            starts_on=date(2026, 10, 1),
            status="active",
            default_commission_rate=Decimal("10.00"),
            amazon_campaign_id=f"c-{store.pk}",
        )
        creator = Creator.objects.create(name="Jane", email=f"jane{store.pk}@creators.test")
        CampaignCreator.objects.create(
            campaign=campaign, creator=creator, status="active", amazon_adgroup_id="jane"
        )
        DailyMetric.objects.create(
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


@pytest.fixture
def stores(tenant_a, tenant_b):
    """Alpha: a yen store in Tokyo, a dinar store in Kuwait, a dollar store in Los Angeles;
    bravo: a dollar store of its own."""
    return {
        "JPY": store_create(
            tenant_a, currency="JPY", timezone="Asia/Tokyo", country="JP", profile=1
        ),
        "KWD": store_create(
            tenant_a, currency="KWD", timezone="Asia/Kuwait", country="KW", profile=2
        ),
        "USD": store_create(
            tenant_a, currency="USD", timezone="America/Los_Angeles", country="US", profile=3
        ),
        "bravo": store_create(
            tenant_b, currency="USD", timezone="America/New_York", country="US", profile=4
        ),
    }
