"""The portal's test world: two brands (alpha, bravo), each with a store, a campaign, two
products and links, and stored facts (our clicks, Amazon's ad-group and creative rows,
conversions with adjustments) for three creators:

- Omar: alpha only;  Kim: bravo only;  Jane: a creator profile in both brands, one account.

Numbers are chosen so that every creator's figure differs from the others' and from the
brand's totals, which makes "shows only their own" checkable with exact values. The `portal`
fixture (tests/conftest.py) builds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from attribution.models import Store
from campaigns.clicks.handoff import CREATOR_SESSION_KEY
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, Product
from commissions.models import Conversion
from creators.models import Creator
from tenancy.models import User
from tests.factories import (
    PASSWORD,
    AffiliateLinkFactory,
    CampaignCreatorFactory,
    CampaignFactory,
    ConversionAdjustmentFactory,
    ConversionFactory,
    DailyMetricFactory,
    LinkClickDailyFactory,
    ProductFactory,
    StoreFactory,
    UserFactory,
)
from tests.support.tenants import Tenant

PERIOD = (date(2026, 10, 1), date(2026, 10, 31))
BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
)
RANGE = f"?range=custom&start={PERIOD[0]}&end={PERIOD[1]}"


@dataclass
class Profile:
    """One creator profile in one brand, with its campaign membership and links."""

    tenant: Tenant
    creator: Creator
    cc: CampaignCreator
    links: list[AffiliateLink] = field(default_factory=list)
    conversions: list[Conversion] = field(default_factory=list)

    @property
    def org(self):
        return self.tenant.org

    @property
    def slug(self) -> str:
        return self.tenant.org.slug


@dataclass
class Brand:
    tenant: Tenant
    store: Store
    campaign: Campaign
    products: list[Product]


@dataclass
class PortalWorld:
    brands: dict[str, Brand]
    users: dict[str, User]  # jane, omar, kim
    profiles: dict[str, Profile]  # "jane@alpha", "jane@bravo", "omar@alpha", "kim@bravo"

    def client(self, who: str) -> Client:
        """A signed-in client of the creator `who`, through the real login (so the session
        gets its creator profiles, as after a password sign-in)."""
        c = Client(HTTP_USER_AGENT=BROWSER)
        response = c.post(
            "/accounts/login/", {"username": self.users[who].email, "password": PASSWORD}
        )
        assert response.status_code == 302, response.content
        assert sorted(c.session[CREATOR_SESSION_KEY]) == sorted(
            p.creator.pk for key, p in self.profiles.items() if key.startswith(who + "@")
        )
        return c


def _brand(tenant, *, campaign_id: str, currency: str = "USD") -> Brand:
    org = tenant.org
    store = StoreFactory(
        organization=org,
        connection__status="active",
        profile_id=7000 + org.pk,
        country_code="US",
        currency_code=currency,
        timezone="America/Los_Angeles",
        advertiser_id=str(8000 + org.pk),
        advertiser_name=f"{org.name} US",
        data_through=date(2026, 10, 31),
        last_synced_at=timezone.now(),
    )
    campaign = CampaignFactory(
        store=store,
        tracking_plan__name="Creators",
        tracking_plan__publisher_id="105",
        tracking_plan__template_tag="maas=maas_adg_api_1_static_9_105&ref_=aa_maas&tag=maas",
        name=f"{org.name} Autumn",
        starts_on=date(2026, 9, 1),
        status=Campaign.Status.ACTIVE,
        default_commission_rate=Decimal("10.00"),
        amazon_campaign_id=campaign_id,
    )
    products = [
        ProductFactory(campaign=campaign, asin=f"B0{org.slug[:3].upper()}PRD{i}", title=t)
        for i, t in enumerate(("Trail tent", "Camp stove"), start=1)
    ]
    return Brand(tenant, store, campaign, products)


def _profile(brand: Brand, *, name: str, adgroup: str, user: User, rate=None) -> Profile:
    cc = CampaignCreatorFactory(
        campaign=brand.campaign,
        creator__name=name,
        creator__email=user.email,
        creator__handle=f"@{adgroup}",
        creator__user=user,
        status=CampaignCreator.Status.ACTIVE,
        amazon_adgroup_id=adgroup,
        commission_rate_override=rate,
    )
    links: list[AffiliateLink] = []
    for product in [*brand.products, None]:
        creative = f"{adgroup}-{product.asin.lower() if product else 'store'}"
        links.append(
            AffiliateLinkFactory(
                campaign_creator=cc,
                product=product,
                amazon_creative_id=creative,
                code=f"{adgroup[:4]}{brand.tenant.org.slug[:3]}{len(links)}xyz"[:16],
                destination_url=f"https://www.amazon.com/dp/B0TEST?aa_creativeid={creative}",
            )
        )
    return Profile(brand.tenant, cc.creator, cc, links)


def _facts(brand: Brand, profile: Profile, *, scale: int) -> None:
    """Clicks and Amazon rows in October 2026 (and a few outside), proportional to `scale`."""
    store, campaign = brand.store, brand.campaign
    for day in (date(2026, 10, 3), date(2026, 10, 17), date(2026, 11, 2)):
        for i, link in enumerate(profile.links):
            LinkClickDailyFactory(
                link=link, date=day, clicks=scale + i, raw_hits=scale + i + 2, bot_hits=1
            )
        LinkClickDailyFactory(
            link=profile.links[0], date=day, sub_id="ig-bio", clicks=scale, raw_hits=scale + 1
        )
        LinkClickDailyFactory(
            link=profile.links[0], date=day, sub_id="tiktok-0412", clicks=1, raw_hits=1
        )
        DailyMetricFactory(
            store=store,
            date=day,
            level="adgroup",
            amazon_campaign_id=campaign.amazon_campaign_id,
            amazon_adgroup_id=profile.cc.amazon_adgroup_id,
            clicks=scale * 3,
            detail_page_views=scale * 2,
            add_to_cart=scale,
            purchases=scale // 2 + 1,
            units_sold=scale // 2 + 2,
            sales=Decimal(scale) * Decimal("12.25"),
            total_sales=Decimal(scale) * Decimal("15.50"),
            brand_referral_bonus=Decimal("3.33"),
        )
        DailyMetricFactory(
            store=store,
            date=day,
            level="creative",
            amazon_campaign_id=campaign.amazon_campaign_id,
            amazon_adgroup_id=profile.cc.amazon_adgroup_id,
            amazon_creative_id=profile.links[0].amazon_creative_id,
            clicks=scale * 2,
            detail_page_views=scale,
            add_to_cart=scale // 2,
            purchases=1,
            units_sold=1,
            sales=Decimal("19.99"),
        )


def _conversion(profile: Profile, day: date, status: str, commission: str, **extra):
    conversion = ConversionFactory(
        campaign_creator=profile.cc,
        date=day,
        purchases=2,
        units_sold=3,
        sales=Decimal(commission) * 10,
        commission_rate=Decimal("10.00"),
        commission=Decimal(commission),
        status=status,
        settles_on=day + timedelta(days=30),
        **extra,
    )
    profile.conversions.append(conversion)
    return conversion


def _earnings(profile: Profile, *, base: int) -> None:
    b = Decimal(base)
    _conversion(profile, date(2026, 11, 20), "pending", f"{b + 1}.10")
    _conversion(profile, date(2026, 10, 10), "awaiting", f"{b + 2}.20")
    approved = _conversion(
        profile, date(2026, 9, 12), "approved", f"{b + 3}.30", decided_at=timezone.now()
    )
    payable = _conversion(
        profile, date(2026, 9, 5), "payable", f"{b + 4}.40", decided_at=timezone.now()
    )
    _conversion(
        profile,
        date(2026, 8, 20),
        "paid",
        f"{b + 5}.50",
        decided_at=timezone.now(),
        paid_at=timezone.now(),
    )
    _conversion(
        profile,
        date(2026, 8, 21),
        "denied",
        f"{b + 6}.60",
        decided_at=timezone.now(),
        decision_reason="=HYPERLINK(self-referral)",
    )
    # a return after approval (clawback) and a restatement before it, already folded in
    ConversionAdjustmentFactory(
        conversion=payable,
        kind="clawback",
        included=False,
        units_sold=-1,
        sales=Decimal("-12.00"),
        commission=Decimal("-1.20"),
    )
    ConversionAdjustmentFactory(
        conversion=approved, kind="top_up", included=False, commission=Decimal("0.45")
    )
    ConversionAdjustmentFactory(
        conversion=approved,
        kind="restatement",
        included=True,
        sales=Decimal("-5.00"),
        commission=Decimal("-0.50"),
    )


def build_portal_world(tenant_a, tenant_b) -> PortalWorld:
    users = {
        who: UserFactory(email=f"{who}@creators.test", name=who.title())
        for who in ("jane", "omar", "kim")
    }
    brands, profiles = {}, {}
    plan = {
        "alpha": [
            ("jane", "Jane Doe", "janedoe", 12, 100),
            ("omar", "Omar Haddad", "omar", 5, 200),
        ],
        "bravo": [("jane", "Jane D.", "jane-b", 7, 300), ("kim", "Kim Park", "kimp", 3, 400)],
    }
    for tenant, campaign_id in ((tenant_a, "autumn-2026"), (tenant_b, "autumn-2026")):
        brand = brands[tenant.org.slug] = _brand(tenant, campaign_id=campaign_id)
        for who, name, adgroup, scale, base in plan[tenant.org.slug]:
            profile = _profile(brand, name=name, adgroup=adgroup, user=users[who])
            profiles[f"{who}@{tenant.org.slug}"] = profile
            _facts(brand, profile, scale=scale)
            _earnings(profile, base=base)
    return PortalWorld(brands, users, profiles)


def today_clicks(profile: Profile, clicks: int) -> None:
    """Clicks on the profile's first link today (the store's day)."""
    link = profile.links[0]
    LinkClickDailyFactory(link=link, date=link.store.today(), clicks=clicks, raw_hits=clicks)
