"""The campaigns world, made through the product's own services (the tag comes from the
sandbox, the Amazon ids and links from the link generator, the routes are published): both
tenants connected to the Amazon sandbox, each with a tracking plan, a campaign with two
products and a store page, two creators in it, and their links. The `worlds` fixture
(tests/conftest.py) builds one per tenant."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from attribution.models import Store
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, Product, TrackingPlan
from campaigns.services import campaign_create, products_add, tracking_plan_create
from campaigns.services.campaign_creators import campaign_creators_add
from creators.models import Creator
from creators.services import creator_create
from tenancy.scoping import tenant_scope

INFLUENCER_PUBLISHER = "105"  # the sandbox's "Influencer / affiliate (other)"


@dataclass
class World:
    tenant: object
    store: Store
    plan: TrackingPlan
    campaign: Campaign
    products: list[Product] = field(default_factory=list)
    creators: list[Creator] = field(default_factory=list)
    campaign_creators: list[CampaignCreator] = field(default_factory=list)
    links: list[AffiliateLink] = field(default_factory=list)

    @property
    def org(self):
        return self.tenant.org

    def link(self, creator_index: int = 0, asin: str | None = None) -> AffiliateLink:
        cc = self.campaign_creators[creator_index]
        with tenant_scope(self.org):
            return (
                AffiliateLink.objects.select_related("product").get(
                    campaign_creator=cc, product__asin=asin
                )
                if asin
                else AffiliateLink.objects.get(campaign_creator=cc, product=None)
            )


def store_campaign_id(store: Store, base: str) -> str:
    """The campaign id minted for `base` in `store`: the base and the store's mark."""
    from campaigns.amazon_ids import store_mark

    mark = store_mark(
        country_code=store.country_code,
        advertiser_id=store.advertiser_id,
        profile_id=store.profile_id,
    )
    return f"{base}-{mark}"


def us_store_of(stores: list[Store]) -> Store:
    """The US store among a tenant's sandbox stores (the `connected_stores` fixture)."""
    return next(s for s in stores if s.country_code == "US")


def build_world(tenant, store: Store, *, name: str = "Spring Launch") -> World:
    with tenant_scope(tenant.org):
        plan = tracking_plan_create(store=store, publisher_id=INFLUENCER_PUBLISHER, name="Creators")
        campaign = campaign_create(
            store=store,
            tracking_plan=plan,
            name=name,
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 5, 31),
            status=Campaign.Status.ACTIVE,
            default_commission_rate=Decimal("8.00"),
            store_page="https://www.amazon.com/stores/page/ABCD-1234?tag=someone-20&ref_=x",
        )
        products = products_add(
            campaign=campaign,
            entries=[("B0EXAMPLE1", "Trail tent 2P"), ("b0example2", "Camp stove")],
        )
        jane = creator_create(
            name="Jane Doe", email="jane@example.com", handle="@janedoe", channels=["instagram"]
        )
        sam = creator_create(name="Sam Lee", email="", handle="", channels=["tiktok", "youtube"])
        ccs = campaign_creators_add(campaign=campaign, creators=[jane, sam])
        links = list(AffiliateLink.objects.filter(campaign=campaign).order_by("pk"))
    return World(tenant, store, plan, campaign, products, [jane, sam], ccs, links)
