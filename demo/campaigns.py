"""Demo campaigns for `make run` (idempotent: a second run finds everything and adds nothing).

`demo_campaigns_ensure(organization, store)` gives the store a tracking plan (its tag fetched
from Amazon, i.e. the sandbox), two campaigns with products and six creators, every link, and
two weeks of first-party clicks with fixed ids (so re-running writes none twice)."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from attribution.models import Store
from campaigns.clicks.flush import clicks_write
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, TrackingPlan
from campaigns.services import campaign_create, products_add, tracking_plan_create
from campaigns.services.campaign_creators import (
    campaign_creator_terms_set,
    campaign_creators_add,
)
from creators.models import Creator
from creators.services import creator_create
from tenancy.models import Organization
from tenancy.scoping import tenant_scope

PLAN_NAME = "Creators"
INFLUENCER_PUBLISHER_NAMES = ("influencer", "affiliate", "other")

CREATORS = [
    ("Jane Doe", "jane@creators.test", "@janedoe.outdoors", ["instagram", "youtube"]),
    ("Sam Lee", "sam@creators.test", "@samleecooks", ["tiktok"]),
    ("Priya Nair", "priya@creators.test", "@priyatrails", ["instagram", "blog"]),
    ("Marco Rossi", "marco@creators.test", "@marco.makes", ["youtube"]),
    ("Chloé Martin", "chloe@creators.test", "@chloeenplein", ["instagram", "pinterest"]),
    ("Dev Patel", "", "@devgearreviews", ["youtube", "newsletter"]),
]
CATALOGS = {
    "outdoor": [
        ("B0C7KQ2ZL4", "Ridgeline 2-person tent"),
        ("B0BX9HJ3MC", "Summit 650 down jacket"),
        ("B09T4R7WQN", "Trailhead 28 L daypack"),
        ("B0D1F6PLV8", "Canyon titanium camp stove"),
        ("B0CM2S8XTE", "Lumen 400 headlamp"),
    ],
    "kitchen": [
        ("B0C4T9WJ2K", "Forge 10-inch cast-iron skillet"),
        ("B0BRN6Q1ZD", "Brightline chef's knife 8 in"),
        ("B09Z3KX7MH", "Steady pour-over kettle"),
        ("B0D2L8VQFA", "Harvest bamboo cutting board set"),
        ("B0CJ5P4NWS", "Everyday 5-quart Dutch oven"),
    ],
}


def _catalog(organization: Organization) -> list[tuple[str, str]]:
    kitchen = any(w in organization.name.lower() for w in ("kitchen", "cook", "food"))
    return CATALOGS["kitchen" if kitchen else "outdoor"]


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


def _campaign(store: Store, plan: TrackingPlan, name: str, **fields: object) -> Campaign:
    campaign = Campaign.objects.filter(store=store, name=name).first()
    return campaign or campaign_create(store=store, tracking_plan=plan, name=name, **fields)  # type: ignore[arg-type]


def _creators() -> list[Creator]:
    found = []
    for name, email, handle, channels in CREATORS:
        creator = Creator.objects.filter(name=name).first()
        if creator is None:
            creator = creator_create(name=name, email=email, handle=handle, channels=channels)
        found.append(creator)
    return found


def _clicks(campaign: Campaign, *, days: int, seed: str) -> None:
    """First-party clicks over the last `days` days; ids derive from the seed, link and
    index, so writing them again is a no-op."""
    links = list(
        AffiliateLink.objects.filter(campaign=campaign, is_active=True).values_list(
            "pk", "code", "organization_id"
        )
    )
    now = timezone.now()
    entries = []
    for link_id, code, organization_id in links:
        rng = random.Random(f"{seed}:{code}")
        for day in range(days):
            for n in range(rng.randint(0, 12)):
                ts: datetime = now - timedelta(days=day, seconds=rng.randint(0, 86_000))
                bot = rng.random() < 0.15
                entries.append(
                    {
                        "id": uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{code}:{day}:{n}").hex,
                        "link": str(link_id),
                        "org": str(organization_id),
                        "ts": f"{ts.timestamp():.6f}",
                        "sub": rng.choice(["", "", "", "story", "bio", "reel"]),
                        "ip": uuid.uuid5(uuid.NAMESPACE_DNS, f"{code}{n % 7}").hex * 2,
                        "ua": "preview" if bot else rng.choice(["mobile", "mobile", "browser"]),
                        "ref": "" if bot else rng.choice(["l.instagram.com", "www.tiktok.com", ""]),
                        "u": "0" if bot or n % 4 == 3 else "1",
                        "bot": "1" if bot else "0",
                        "self": "0",
                    }
                )
    clicks_write(entries)


def demo_campaigns_ensure(organization: Organization, store: Store) -> list[Campaign]:
    """The demo tracking plan, campaigns, creators, products, links and clicks of `store`."""
    with tenant_scope(organization):
        plan = _plan(store)
        year = timezone.localdate().year
        spring = _campaign(
            store,
            plan,
            "Spring Launch",
            starts_on=date(year, 3, 1),
            ends_on=date(year, 12, 31),
            status=Campaign.Status.ACTIVE,
            default_commission_rate=Decimal("8.00"),
            commission_basis=Campaign.CommissionBasis.PROMOTED,
            store_page="DEMO-STORE-1",
        )
        gifts = _campaign(
            store,
            plan,
            "Holiday Gift Guide",
            starts_on=date(year, 11, 15),
            ends_on=date(year, 12, 31),
            status=Campaign.Status.DRAFT,
            default_commission_rate=Decimal("10.00"),
            commission_basis=Campaign.CommissionBasis.TOTAL,
            settlement_days=45,
        )
        catalog = _catalog(organization)
        creators = _creators()
        for campaign, products, people in (
            (spring, catalog[:4], creators),
            (gifts, catalog[2:], creators[:4]),
        ):
            if not campaign.products.exists():
                products_add(campaign=campaign, entries=products)
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
            campaign=spring, creator=creators[0]
        )
        if first.commission_rate_override != Decimal("12.00"):
            # The demo's override holds from the campaign's start (its terms history).
            campaign_creator_terms_set(
                campaign_creator=first,
                effective_from=spring.starts_on,
                commission_rate_override=Decimal("12.00"),
                allow_past=True,
            )
        _clicks(spring, days=14, seed=organization.slug)
    return [spring, gifts]
