"""Demo campaigns for `make run` (idempotent: a second run finds everything and adds nothing).

Each demo brand has its own creators, stores and campaigns (`BRANDS`): Acme Outdoor sells in
the US, Northwind Kitchen in the UK and Japan (JPY, no decimals). `demo_campaigns_ensure`
gives a store a tracking plan (its tag fetched from Amazon, i.e. the sandbox), the brand's
campaigns for that store with products (added by ASIN; titles, pictures and prices come from
Amazon's catalog) and creators, and every link. The campaigns are marked `is_demo`: only they
get the sandbox's shoppers (demo/traffic.py); a campaign a user creates never does."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from attribution.models import Store
from campaigns.models import Campaign, CampaignCreator, TrackingPlan
from campaigns.services import campaign_create, products_add, tracking_plan_create
from campaigns.services.campaign_creators import (
    campaign_creator_terms_set,
    campaign_creators_add,
)
from campaigns.services.products import MetadataUnavailable, products_metadata_refresh
from creators.models import Creator
from creators.services import creator_create
from tenancy.models import Organization
from tenancy.scoping import tenant_scope

PLAN_NAME = "Creators"
INFLUENCER_PUBLISHER_NAMES = ("influencer", "affiliate", "other")


@dataclass(frozen=True)
class DemoCampaign:
    name: str
    country: str  # the store's marketplace
    asins: tuple[str, ...]
    creators: tuple[str, ...]  # creator names, the first with a 12 % override
    days_ago: int  # started this many days before the first seeding
    rate: Decimal
    basis: str = Campaign.CommissionBasis.PROMOTED
    status: str = Campaign.Status.ACTIVE
    settlement_days: int = 30
    store_page: str = ""


@dataclass(frozen=True)
class Brand:
    regions: tuple[str, ...]
    creators: tuple[tuple[str, str, str, tuple[str, ...]], ...]  # name, e-mail, handle, channels
    campaigns: tuple[DemoCampaign, ...] = field(default=())


OUTDOOR = ("B0C7KQ2ZL4", "B0BX9HJ3MC", "B09T4R7WQN", "B0D1F6PLV8", "B0CM2S8XTE", "B0CQ7N3RJX")
KITCHEN = ("B0C4T9WJ2K", "B0BRN6Q1ZD", "B09Z3KX7MH", "B0D2L8VQFA", "B0CJ5P4NWS")
JAPAN = ("B0DK4M2HQT", "B0CV8R5WZN", "B0BRN6Q1ZD", "B09Z3KX7MH")

BRANDS: dict[str, Brand] = {
    "acme": Brand(
        regions=("NA",),
        creators=(
            ("Jane Doe", "jane@creators.test", "@janedoe.outdoors", ("instagram", "youtube")),
            ("Sam Lee", "sam@creators.test", "@samleehikes", ("tiktok",)),
            ("Priya Nair", "priya@creators.test", "@priyatrails", ("instagram", "blog")),
            ("Marco Rossi", "marco@creators.test", "@marco.makes", ("youtube",)),
            ("Chloé Martin", "chloe@creators.test", "@chloeenplein", ("instagram", "pinterest")),
            ("Dev Patel", "", "@devgearreviews", ("youtube", "newsletter")),
        ),
        campaigns=(
            DemoCampaign(
                "Spring Launch",
                "US",
                OUTDOOR[:4],
                ("Jane Doe", "Sam Lee", "Priya Nair", "Marco Rossi", "Chloé Martin", "Dev Patel"),
                days_ago=120,
                rate=Decimal("8.00"),
                store_page="DEMO-STORE-1",
            ),
            DemoCampaign(
                "Holiday Gift Guide",
                "US",
                OUTDOOR[2:5],
                ("Jane Doe", "Sam Lee", "Priya Nair", "Marco Rossi"),
                days_ago=10,
                rate=Decimal("10.00"),
                basis=Campaign.CommissionBasis.TOTAL,
                status=Campaign.Status.DRAFT,
                settlement_days=45,
            ),
        ),
    ),
    "northwind": Brand(
        regions=("EU", "FE"),
        creators=(
            ("Hannah Weber", "hannah@creators.test", "@hannahbackt", ("instagram",)),
            ("Oliver Bennett", "oliver@creators.test", "@olliebakes", ("youtube", "tiktok")),
            ("Aiko Tanaka", "aiko@creators.test", "@aiko.kitchen", ("instagram", "youtube")),
            ("Yuki Sato", "", "@yukisdaidokoro", ("tiktok",)),
            ("Jane Doe", "jane@creators.test", "@janedoe.cooks", ("instagram",)),
        ),
        campaigns=(
            DemoCampaign(
                "Autumn Bake-Off",
                "UK",
                KITCHEN,
                ("Oliver Bennett", "Hannah Weber", "Jane Doe"),
                days_ago=80,
                rate=Decimal("9.00"),
                basis=Campaign.CommissionBasis.TOTAL,
            ),
            DemoCampaign(
                "Tokyo Kitchen Edit",
                "JP",
                JAPAN,
                ("Aiko Tanaka", "Yuki Sato"),
                days_ago=60,
                rate=Decimal("7.50"),
                settlement_days=45,
            ),
        ),
    ),
}


def brand_of(organization: Organization) -> Brand:
    return BRANDS.get(organization.slug, BRANDS["acme"])


def _plan(store: Store) -> TrackingPlan:
    plan = TrackingPlan.objects.filter(store=store, name=PLAN_NAME, archived_at=None).first()
    if plan:
        return plan
    from campaigns.services import store_publishers

    publishers = store_publishers(store=store)
    chosen = next(
        (p for p in publishers if any(w in p["name"].lower() for w in INFLUENCER_PUBLISHER_NAMES)),
        publishers[0],
    )
    return tracking_plan_create(store=store, publisher_id=chosen["id"], name=PLAN_NAME)


def _creators(brand: Brand) -> dict[str, Creator]:
    found = {}
    for name, email, handle, channels in brand.creators:
        creator = Creator.objects.filter(name=name).first()
        if creator is None:
            creator = creator_create(name=name, email=email, handle=handle, channels=list(channels))
        found[name] = creator
    return found


def _campaign(store: Store, plan: TrackingPlan, spec: DemoCampaign) -> Campaign:
    campaign = Campaign.objects.filter(store=store, name=spec.name, is_demo=True).first()
    if campaign is not None:
        return campaign
    # A demo database from before campaigns were marked: the demo's campaign of that name
    # (these organisations exist only in the demo) becomes the marked one, not a second one.
    earlier = Campaign.objects.filter(store=store, name=spec.name, is_demo=False).first()
    if earlier is not None:
        Campaign.objects.filter(pk=earlier.pk).update(is_demo=True)
        earlier.is_demo = True
        return earlier
    today = store.today()
    campaign = campaign_create(
        store=store,
        tracking_plan=plan,
        name=spec.name,
        starts_on=today - timedelta(days=spec.days_ago),
        ends_on=date(today.year + 1, 12, 31),
        status=spec.status,
        default_commission_rate=spec.rate,
        commission_basis=spec.basis,
        settlement_days=spec.settlement_days,
        store_page=spec.store_page,
    )
    Campaign.objects.filter(pk=campaign.pk).update(is_demo=True)
    campaign.is_demo = True
    return campaign


def demo_campaigns_ensure(organization: Organization, store: Store) -> list[Campaign]:
    """The brand's demo campaigns of `store` (its marketplace), with their products, creators
    and links; [] when the brand sells nothing there."""
    brand = brand_of(organization)
    specs = [c for c in brand.campaigns if c.country == store.country_code]
    if not specs:
        return []
    made = []
    with tenant_scope(organization):
        plan = _plan(store)
        creators = _creators(brand)
        for spec in specs:
            campaign = _campaign(store, plan, spec)
            if not campaign.products.exists():
                products_add(campaign=campaign, entries=[(asin, "") for asin in spec.asins])
            people = [creators[name] for name in spec.creators]
            known = set(
                CampaignCreator.objects.filter(campaign=campaign).values_list(
                    "creator_id", flat=True
                )
            )
            missing = [c for c in people if c.pk not in known]
            if missing:
                campaign_creators_add(
                    campaign=campaign,
                    creators=missing,
                    status=CampaignCreator.Status.ACTIVE,
                    joined_on=campaign.starts_on,
                )
            first = CampaignCreator.objects.select_related("campaign__store").get(
                campaign=campaign, creator=people[0]
            )
            if first.commission_rate_override != Decimal("12.00"):
                # The demo's override holds from the campaign's start (its terms history).
                campaign_creator_terms_set(
                    campaign_creator=first,
                    effective_from=campaign.starts_on,
                    commission_rate_override=Decimal("12.00"),
                    allow_past=True,
                )
            made.append(campaign)
        # Amazon's titles, pictures and prices now, not at the worker's next turn
        with contextlib.suppress(MetadataUnavailable):
            products_metadata_refresh(store=store)
    return made
