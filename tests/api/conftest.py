"""API fixtures: both tenants with an admin API key; alpha with the synced sandbox store and
its "spring" campaign."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.services import api_key_create
from tenancy.scoping import tenant_scope


def key_for(tenant, role: str = "admin", name: str = "Integration") -> str:
    with tenant_scope(tenant.org):
        _, raw = api_key_create(name=name, role=role, created_by=tenant.owner)
    return raw


def client_for(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def key_a(tenant_a) -> str:
    return key_for(tenant_a)


@pytest.fixture
def key_b(tenant_b) -> str:
    return key_for(tenant_b)


@pytest.fixture
def api_a(key_a) -> APIClient:
    return client_for(key_a)


@pytest.fixture
def api_b(key_b) -> APIClient:
    return client_for(key_b)


def _world(tenant, stores):
    """Plain rows for one tenant: a plan, a campaign with two creators, products, links, facts
    (matched and unmatched), our clicks and conversions in every state."""
    from datetime import date, timedelta
    from decimal import Decimal

    from attribution.models import DailyMetric
    from campaigns.models import AffiliateLink, Campaign, LinkClickDaily, Product, TrackingPlan
    from creators.models import CampaignCreator, Creator
    from reporting.models import Conversion

    store = next(s for s in stores if s.country_code == "US")
    w = type("World", (), {})()
    w.store = store
    with tenant_scope(tenant.org):
        w.plan = TrackingPlan.objects.create(
            store=store,
            name="Influencers",
            publisher_id="101",
            publisher_name="Instagram",
            template_tag="maas=maas_adg_api_1_static_9_101&ref_=aa_maas&tag=maas",
            tag_fetched_at="2026-10-01T00:00:00Z",
        )
        w.campaign = Campaign.objects.create(
            store=store,
            tracking_plan=w.plan,
            name="Spring",
            starts_on=date(2026, 10, 1),
            status="active",
            default_commission_rate=Decimal("10.00"),
            amazon_campaign_id="spring",
        )
        w.product = Product.objects.create(campaign=w.campaign, asin="B0AAAAAAA1", title="Bottle")
        w.creators, w.ccs, w.links, w.conversions = [], [], [], []
        for i, name in enumerate(("Jane", "Omar")):
            creator = Creator.objects.create(
                name=name, email=f"{name.lower()}@{tenant.org.slug}.test"
            )
            cc = CampaignCreator.objects.create(
                campaign=w.campaign,
                creator=creator,
                status="active",
                amazon_adgroup_id=name.lower(),
            )
            link = AffiliateLink.objects.create(
                campaign=w.campaign,
                campaign_creator=cc,
                product=w.product,
                store=store,
                amazon_creative_id=f"{name.lower()}-1",
                code=f"{tenant.org.slug[:4]}{name.lower()}01",
                destination_url="https://www.amazon.com/dp/B0AAAAAAA1?tag=maas",
            )
            w.creators.append(creator)
            w.ccs.append(cc)
            w.links.append(link)
            for d in range(5):
                day = date(2026, 10, 20) + timedelta(days=d)
                for level, creative in (("adgroup", ""), ("creative", f"{name.lower()}-1")):
                    DailyMetric.objects.create(
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
                LinkClickDaily.objects.create(link=link, date=day, clicks=12 + d)
            for n, status in enumerate(("awaiting", "pending", "approved")):
                w.conversions.append(
                    Conversion.objects.create(
                        store=store,
                        campaign=w.campaign,
                        campaign_creator=cc,
                        creator=creator,
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
        DailyMetric.objects.create(
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


@pytest.fixture
def world_a(connected_stores, tenant_a):
    return _world(tenant_a, connected_stores["alpha"])


@pytest.fixture
def world_b(connected_stores, tenant_b):
    return _world(tenant_b, connected_stores["bravo"])
