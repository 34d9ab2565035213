"""Fixtures: always two tenants, each with an owner and a manager, so every test can ask
"and the other tenant sees none of it?"."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from tenancy.models import Membership, Organization, Role, User
from tenancy.scoping import tenant_scope
from tests.factories import MembershipFactory, OrganizationFactory


@dataclass
class Tenant:
    org: Organization
    owner: User
    manager: User
    owner_membership: Membership
    manager_membership: Membership

    def client(self, user: User | None = None) -> Client:
        c = Client()
        c.force_login(user or self.manager)
        return c


def _tenant(name: str) -> Tenant:
    org = OrganizationFactory(name=name.title(), slug=name)
    owner_m = MembershipFactory(organization=org, role=Role.OWNER, user__email=f"owner@{name}.test")
    manager_m = MembershipFactory(
        organization=org, role=Role.MANAGER, user__email=f"manager@{name}.test"
    )
    return Tenant(org, owner_m.user, manager_m.user, owner_m, manager_m)


@pytest.fixture(autouse=True)
def _clean_redis():
    """Each test starts with an empty cache (rate limits, route caches); it is a real Redis."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tenant_a(db) -> Tenant:
    return _tenant("alpha")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return _tenant("bravo")


# --- Amazon: the bundled sandbox over real HTTP (never mocks of requests) ---------------------

SANDBOX_CLIENT_ID = "amzn1.application-oa2-client.sandbox"
SANDBOX_CLIENT_SECRET = "sandbox-secret"


@pytest.fixture(scope="session")
def _sandbox_server():
    from amazon_sandbox import SandboxServer

    with SandboxServer(
        port=0, seed=42, client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET
    ) as server:
        yield server


@pytest.fixture
def amazon_sandbox(_sandbox_server, settings):
    """The sandbox, reset, with every Amazon setting pointing at it (as `make run` does)."""
    server = _sandbox_server
    server.reset()
    url = server.url
    settings.AMAZON_SANDBOX_URL = url
    settings.AMAZON_ADS_API_URL = url
    settings.AMAZON_LWA_TOKEN_URL = f"{url}/auth/o2/token"
    settings.AMAZON_LWA_AUTHORIZE_URL = f"{url}/ap/oa"
    settings.AMAZON_ADS_CLIENT_ID = SANDBOX_CLIENT_ID
    settings.AMAZON_ADS_CLIENT_SECRET = SANDBOX_CLIENT_SECRET
    return server


def sandbox_control(server, path: str, payload: dict | None = None) -> dict:
    import requests

    response = requests.post(f"{server.url}{path}", json=payload or {}, timeout=5)
    response.raise_for_status()
    return response.json()


@pytest.fixture
def connected_stores(amazon_sandbox, tenant_a, tenant_b):
    """Both tenants connected to the sandbox (NA region) with a store per eligible profile,
    through the same service the operator command uses. {tenant slug: [Store, ...]}"""
    from attribution.services import connection_create_headless

    result = {}
    for tenant in (tenant_a, tenant_b):
        with tenant_scope(tenant.org):
            _, stores = connection_create_headless(
                region="NA", refresh_token=f"Atzr|test-{tenant.org.slug}"
            )
        result[tenant.org.slug] = stores
    return result


# --- A store with Amazon traffic ------------------------------------------------------------

LINKS = [
    {"campaignId": "spring", "adGroupId": "jane", "creativeId": "jane-1", "asin": "B0AAAAAAA1"},
    {"campaignId": "spring", "adGroupId": "jane", "creativeId": "jane-2", "asin": "B0AAAAAAA2"},
    {"campaignId": "spring", "adGroupId": "omar", "creativeId": "omar-1", "asin": "B0AAAAAAA1"},
    {"campaignId": "summer", "adGroupId": "lee", "creativeId": "lee-1", "asin": "B0AAAAAAA3"},
]


@pytest.fixture
def us_store(connected_stores, tenant_a, amazon_sandbox):
    """Alpha's US store with three weeks of tagged traffic in the sandbox."""
    store = next(s for s in connected_stores["alpha"] if s.country_code == "US")
    with tenant_scope(tenant_a.org):
        from attribution.models import Store
        from attribution.services import ads_client

        store = Store.objects.select_related("connection").get(pk=store.pk)
        ads = ads_client(store.connection)
        publisher = ads.publishers(store.profile_id)[0]["id"]
        ads.non_macro_template_tags(
            store.profile_id, publisher_ids=[publisher], advertiser_ids=[store.advertiser_id]
        )
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": "2026-11-05T12:00:00Z"})
    sandbox_control(
        amazon_sandbox,
        "/sandbox/traffic",
        {
            "advertiserId": store.advertiser_id,
            "publisherId": publisher,
            "links": LINKS,
            "start": "2026-10-20",
            "end": "2026-10-31",
            "clicksPerDay": [6, 14],
        },
    )
    return store


@pytest.fixture
def campaign(us_store, tenant_a):
    """Alpha's "spring" campaign with creators jane (override 12.5 %) and omar (10 %); the
    sandbox traffic also has a "summer" campaign nobody created (unmatched)."""
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from campaigns.models import Campaign, CampaignCreator, TrackingPlan
    from creators.models import Creator

    with tenant_scope(tenant_a.org):
        plan = TrackingPlan.objects.create(
            store=us_store,
            name="Influencers",
            publisher_id="101",
            publisher_name="Instagram",
            template_tag="maas=x&ref_=aa_maas&tag=maas",
            tag_fetched_at=timezone.now(),
        )
        campaign = Campaign.objects.create(
            store=us_store,
            tracking_plan=plan,
            name="Spring",
            starts_on=date(2026, 10, 1),
            status="active",
            default_commission_rate=Decimal("10.00"),
            settlement_days=30,
            amazon_campaign_id="spring",
        )
        for name, adgroup, override in (("Jane", "jane", Decimal("12.50")), ("Omar", "omar", None)):
            creator = Creator.objects.create(name=name, email=f"{adgroup}@creators.test")
            CampaignCreator.objects.create(
                campaign=campaign,
                creator=creator,
                status="active",
                amazon_adgroup_id=adgroup,
                commission_rate_override=override,
            )
    return campaign


# --- plain rows of a campaign with facts and conversions (API, payables) -------------------


def _world(tenant, stores):
    """Plain rows for one tenant: a plan, a campaign with two creators, products, links, facts
    (matched and unmatched), our clicks and conversions in every state."""
    from datetime import date, timedelta
    from decimal import Decimal

    from attribution.models import DailyMetric
    from campaigns.models import (
        AffiliateLink,
        Campaign,
        CampaignCreator,
        LinkClickDaily,
        Product,
        TrackingPlan,
    )
    from commissions.models import Conversion
    from creators.models import Creator

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
