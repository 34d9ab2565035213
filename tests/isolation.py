"""The isolation pattern: every URL under /o/<org_slug>/ is listed here with a way to build it
for a tenant's own objects. tests/test_isolation.py requests each one as a member of another
tenant (404), anonymously (sign-in redirect) and as a member (not 404), and fails when a URL
exists that this registry does not list. Later apps add their URLs to REGISTRY, and the objects
those URLs name to `one_of_each` (the `tenants` fixture builds them for both tenants)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.models import ApiKey
from attribution.models import SyncRun
from commissions.models import PayoutRun
from reporting.models import Export
from tenancy.models import Invitation
from tenancy.scoping import tenant_scope
from tests.factories import (
    AffiliateLinkFactory,
    AmazonConnectionFactory,
    CampaignCreatorFactory,
    CampaignFactory,
    DailyMetricFactory,
    ProductFactory,
    StoreFactory,
    TrackingPlanFactory,
)


@dataclass(frozen=True)
class TenantURL:
    name: str
    # Builds the URL kwargs (besides org_slug) for objects of the given tenant fixture.
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda t: {})
    methods: tuple[str, ...] = ("get",)


REGISTRY: list[TenantURL] = [
    TenantURL("org-home"),
    TenantURL("members", methods=("get", "post")),
    TenantURL("member", lambda t: {"membership_id": t.manager_membership.pk}, ("post",)),
    TenantURL("invitation-revoke", lambda t: {"invitation_id": t.invitation.pk}, ("post",)),
    TenantURL("amazon-settings"),
    TenantURL("amazon-connect", methods=("post",)),
    TenantURL("amazon-profiles", lambda t: {"connection_id": t.connection.pk}, ("get", "post")),
    TenantURL("amazon-disconnect", lambda t: {"connection_id": t.connection.pk}, ("post",)),
    TenantURL("sync-status"),
    TenantURL("sync-now", lambda t: {"store_id": t.campaign.store_id}, ("post",)),
    TenantURL("sync-apply-held", lambda t: {"run_id": t.sync_run.pk}, ("get", "post")),
    TenantURL("conversions", methods=("get", "post")),
    TenantURL("conversions-selection"),
    TenantURL("campaign-performance", lambda t: {"campaign_id": t.campaign.pk}),
    TenantURL("campaign-terms", lambda t: {"campaign_id": t.campaign.pk}, ("get", "post")),
    TenantURL(
        "campaign-creator-terms",
        lambda t: {"campaign_id": t.campaign.pk, "campaign_creator_id": t.campaign_creator.pk},
        ("get", "post"),
    ),
    # campaigns
    TenantURL("tracking-plans"),
    TenantURL("tracking-plan-create", methods=("get", "post")),
    TenantURL("tracking-plan", lambda t: {"plan_id": t.plan.pk}, ("get", "post")),
    TenantURL("campaigns"),
    TenantURL("campaign-create", methods=("get", "post")),
    TenantURL("campaign", lambda t: {"campaign_id": t.campaign.pk}),
    TenantURL("campaign-edit", lambda t: {"campaign_id": t.campaign.pk}, ("get", "post")),
    TenantURL("campaign-products", lambda t: {"campaign_id": t.campaign.pk}, ("post",)),
    TenantURL(
        "campaign-product-remove",
        lambda t: {"campaign_id": t.campaign.pk, "product_id": t.product.pk},
        ("post",),
    ),
    TenantURL("campaign-creators", lambda t: {"campaign_id": t.campaign.pk}, ("post",)),
    TenantURL(
        "campaign-creator",
        lambda t: {"campaign_id": t.campaign.pk, "campaign_creator_id": t.campaign_creator.pk},
        ("post",),
    ),
    TenantURL("campaign-links", lambda t: {"campaign_id": t.campaign.pk}, ("get", "post")),
    TenantURL("campaign-links-csv", lambda t: {"campaign_id": t.campaign.pk}, ("get",)),
    TenantURL("campaign-link-check", lambda t: {"campaign_id": t.campaign.pk}),
    TenantURL("campaign-product-lookup", lambda t: {"campaign_id": t.campaign.pk}),
    TenantURL("campaign-link-job", lambda t: {"campaign_id": t.campaign.pk}),
    TenantURL(
        "campaign-creator-portal-invite",
        lambda t: {"campaign_id": t.campaign.pk, "campaign_creator_id": t.campaign_creator.pk},
        ("post",),
    ),
    TenantURL("link", lambda t: {"link_id": t.link.pk}, ("get", "post")),
    TenantURL("link-qr", lambda t: {"link_id": t.link.pk, "fmt": "svg"}),
    # creators
    TenantURL("creators", methods=("get", "post")),
    TenantURL("creators-import", methods=("get", "post")),
    TenantURL("creator", lambda t: {"creator_id": t.creator.pk}, ("get", "post")),
    TenantURL("creator-links-csv", lambda t: {"creator_id": t.creator.pk}, ("get",)),
    # exports, payables, API keys
    TenantURL("exports", methods=("get", "post")),
    TenantURL("export", lambda t: {"export_id": t.export.pk}),
    TenantURL("payables"),
    TenantURL("payables-csv"),
    TenantURL("payouts", methods=("get", "post")),
    TenantURL("payout-minimums", methods=("get", "post")),
    TenantURL("payout-run", lambda t: {"run_id": t.payout_run.pk}, ("get", "post")),
    TenantURL("payout-run-file", lambda t: {"run_id": t.payout_run.pk, "kind": "plain"}),
    TenantURL("activity"),
    TenantURL("activity-csv"),
    TenantURL("api-keys", methods=("get", "post")),
    TenantURL("api-key-revoke", lambda t: {"key_id": t.api_key.pk}, ("post",)),
]


def tenant_url(entry: TenantURL, tenant: Any, owner_tenant: Any = None) -> str:
    """The URL of `entry` under `tenant`'s organisation, naming `owner_tenant`'s objects (by
    default the tenant's own; the objects come from the `tenants` fixture)."""
    owner_tenant = owner_tenant or tenant
    return reverse(entry.name, kwargs={"org_slug": tenant.org.slug, **entry.kwargs(owner_tenant)})


def tenant_url_names() -> set[str]:
    """Every named URL pattern that takes org_slug."""
    names: set[str] = set()

    def walk(patterns: list, prefix_has_org: bool) -> None:
        for p in patterns:
            has_org = prefix_has_org or "org_slug" in str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, has_org)
            elif isinstance(p, URLPattern) and has_org and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns, False)
    return names


def one_of_each(t: Any) -> None:
    """One object of each kind a tenant URL names, set as attributes of tenant `t` (REGISTRY's
    `kwargs` read them): an invitation, a connection, a store, tracking plan, campaign, product,
    creator in it, export, API key, an open payout run, a held sync run and link, and Amazon's
    facts (rolled up)."""
    with tenant_scope(t.org):
        t.invitation = Invitation.objects.create(
            organization=t.org, email=f"invitee@{t.org.slug}.test", role="viewer"
        )
    t.connection = AmazonConnectionFactory(organization=t.org, region="NA")
    store = StoreFactory(
        connection=t.connection,
        profile_id=1000 + t.org.pk,
        country_code="US",
        currency_code="USD",
        timezone="America/Los_Angeles",
        advertiser_id=str(5000 + t.org.pk),
    )
    t.plan = TrackingPlanFactory(
        store=store,
        name="Plan",
        publisher_id="101",
        template_tag="maas=maas_adg_api_1_static_9_101&ref_=aa_maas&tag=maas",
        tag_fetched_at="2026-01-01T00:00:00Z",
    )
    t.campaign = CampaignFactory(
        store=store,
        tracking_plan=t.plan,
        name="Campaign",
        starts_on=date(2026, 1, 1),
        default_commission_rate=Decimal("5"),
        amazon_campaign_id="campaign-2026",
    )
    t.product = ProductFactory(campaign=t.campaign, asin="B0ISOLATE1")
    t.campaign_creator = CampaignCreatorFactory(
        campaign=t.campaign, creator__name=f"Creator {t.org.slug}", amazon_adgroup_id="creator"
    )
    t.creator = t.campaign_creator.creator
    with tenant_scope(t.org):
        t.export = Export.objects.create(
            start=date(2026, 1, 1), end=date(2026, 1, 31), store_ids=[store.pk], group_by="day"
        )
        t.api_key = ApiKey.objects.create(
            name="Key", role="viewer", prefix=f"iso{t.org.slug}"[:12], key_hash="0" * 64
        )
        t.payout_run = PayoutRun.objects.create()
        t.sync_run = SyncRun.objects.create(
            store=store,
            trigger="schedule",
            status="held",
            window_start=date(2026, 1, 1),
            window_end=date(2026, 1, 30),
        )
    # Amazon's facts for the campaign, at every level the pages read: the sync's triggers roll
    # them up (attribution.rollups), so the dashboards and the portal have numbers to leak
    for level, adgroup, creative in (
        ("campaign", "", ""),
        ("adgroup", "creator", ""),
        ("creative", "creator", "creator-b0isolate1"),
    ):
        DailyMetricFactory(
            store=store,
            date=date(2026, 1, 5),
            level=level,
            amazon_campaign_id="campaign-2026",
            amazon_adgroup_id=adgroup,
            amazon_creative_id=creative,
            clicks=12,
            purchases=1,
            sales=Decimal("24.99"),
        )
    t.link = AffiliateLinkFactory(
        campaign_creator=t.campaign_creator,
        product=t.product,
        amazon_creative_id="creator-b0isolate1",
        code=f"iso{t.org.slug}0000"[:12],
        destination_url="https://www.amazon.com/dp/B0ISOLATE1?maas=x",
    )
