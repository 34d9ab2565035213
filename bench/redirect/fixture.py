"""Bench data (idempotent): organisation `bench-redirect`, a store, a plan, a campaign, a
creator and one link; its route is published to the click Redis. Prints the link's code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import django

django.setup()

from attribution.models import AmazonConnection, Store  # noqa: E402
from campaigns.clicks.routes import routes_publish  # noqa: E402
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, TrackingPlan  # noqa: E402
from campaigns.services import links_generate, products_add  # noqa: E402
from creators.models import Creator  # noqa: E402
from tenancy.models import Organization  # noqa: E402
from tenancy.scoping import tenant_scope  # noqa: E402

org, _ = Organization.objects.get_or_create(slug="bench-redirect", defaults={"name": "Bench"})
with tenant_scope(org):
    connection = AmazonConnection.objects.first() or AmazonConnection.objects.create(
        region="NA", status=AmazonConnection.Status.ACTIVE
    )
    store, _ = Store.objects.get_or_create(
        profile_id=1,
        defaults={
            "connection": connection,
            "country_code": "US",
            "currency_code": "USD",
            "timezone": "America/Los_Angeles",
            "advertiser_id": "1",
            "advertiser_name": "Bench",
        },
    )
    plan, _ = TrackingPlan.objects.get_or_create(
        store=store,
        name="Bench",
        defaults={
            "publisher_id": "105",
            "publisher_name": "Influencer / affiliate (other)",
            "template_tag": "maas=maas_adg_api_1_static_9_105&ref_=aa_maas&tag=maas",
            "tag_fetched_at": "2026-01-01T00:00:00Z",
        },
    )
    campaign = Campaign.objects.filter(store=store, amazon_campaign_id="bench-2026").first()
    if campaign is None:
        campaign = Campaign.objects.create(
            store=store,
            tracking_plan=plan,
            name="Bench",
            starts_on=date(2026, 1, 1),
            status=Campaign.Status.ACTIVE,
            default_commission_rate=Decimal("5"),
            amazon_campaign_id="bench-2026",
        )
        products_add(campaign=campaign, entries=[("B0EXAMPLE1", "Bench product")])
        creator = Creator.objects.create(name="Bench Creator")
        CampaignCreator.objects.create(
            campaign=campaign, creator=creator, amazon_adgroup_id="bench", status="active"
        )
        links_generate(campaign=campaign)
    links = list(
        AffiliateLink.objects.filter(campaign=campaign).select_related(
            "product", "campaign_creator"
        )
    )
routes_publish(links)
print(links[0].code)
