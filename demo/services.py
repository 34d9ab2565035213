"""The whole demo for `make run`: brands connected to the sandbox, campaigns and links, six
weeks of shopper traffic sent to the sandbox, and a first sync, so every page has numbers."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import timedelta

import requests
from django.conf import settings

from attribution.models import Store, SyncRun
from attribution.sync.lease import SyncBusy
from attribution.sync.service import store_sync
from attribution.sync.windows import Window, default_window
from campaigns.models import AffiliateLink
from demo.amazon import demo_amazon_ensure
from demo.campaigns import demo_campaigns_ensure
from demo.organizations import demo_organizations_ensure
from demo.portal import demo_portal_ensure
from tenancy.scoping import tenant_scope

log = logging.getLogger(__name__)
TRAFFIC_DAYS = 42


def demo_traffic_ensure(store: Store) -> int:
    """Send the sandbox six weeks of clicks on every link of the store (idempotent there)."""
    with tenant_scope(store.organization_id):
        links = list(
            AffiliateLink.objects.filter(store=store, is_active=True).select_related(
                "campaign__tracking_plan", "campaign_creator", "product"
            )
        )
    by_publisher: dict[str, list[dict]] = defaultdict(list)
    for link in links:
        by_publisher[link.campaign.tracking_plan.publisher_id].append(
            {
                "campaignId": link.campaign.amazon_campaign_id,
                "adGroupId": link.campaign_creator.amazon_adgroup_id,
                "creativeId": link.amazon_creative_id,
                "asin": link.product.asin
                if link.product
                else "B0STOREPG1",  # store-page visits land on a featured product,
            }
        )
    end = store.latest_complete_day()
    start = end - timedelta(days=TRAFFIC_DAYS)
    clicks = 0
    for publisher, batch in by_publisher.items():
        response = requests.post(
            f"{settings.AMAZON_SANDBOX_URL}/sandbox/traffic",
            json={
                "advertiserId": store.advertiser_id,
                "publisherId": publisher,
                "links": batch,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "clicksPerDay": [2, 9],
            },
            timeout=60,
        )
        response.raise_for_status()
        clicks += response.json().get("clicks", 0)
    return clicks


def demo_ensure() -> list[str]:
    """Everything; returns one line per organisation for the command to print."""
    lines = []
    for org in demo_organizations_ensure():
        stores = demo_amazon_ensure(org)
        if not stores:
            lines.append(f"/o/{org.slug}/: no Amazon sandbox configured, no stores")
            continue
        main = next((s for s in stores if s.country_code == "US"), stores[0])
        demo_campaigns_ensure(org, main)
        demo_portal_ensure(org)
        clicks = demo_traffic_ensure(main)
        status = "not synced"
        try:
            usual = default_window(main)
            # a backfill over all the demo traffic, so "vs previous period" has numbers too
            window = Window(usual.end - timedelta(days=TRAFFIC_DAYS + 14), usual.end)
            run = store_sync(
                organization_id=org.pk,
                store_id=main.pk,
                trigger=SyncRun.Trigger.COMMAND,
                owner=f"demo-{uuid.uuid4()}",
                window=window,
            )
            status = run.status if run else "store gone"
        except SyncBusy:
            status = "sync already running"
        lines.append(
            f"/o/{org.slug}/: {len(stores)} store(s), {clicks} sandbox clicks, first sync {status}"
        )
    return lines
