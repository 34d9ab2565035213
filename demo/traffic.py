"""The demo's shoppers, from the Amazon sandbox's shopper simulator (amazon_sandbox/shoppers.py),
for the demo's own campaigns only (`Campaign.is_demo`), never a campaign a user created.

- History (`demo_history_ensure`): for the past days of each active demo campaign the sandbox
  draws every shopper visit of each link (bots, people who leave before Amazon's page loads,
  people who decline Amazon's cookies, people who reach the product page) and records Amazon's
  clicks for those who reach Amazon; the demo writes our own click rows for the same visits.
  Both sides come from the same visits, so Amazon's clicks are fewer than ours, as in life.
- From now on (`demo_shoppers_start`, `make run` only): the sandbox's shoppers open the links'
  `/l/<code>` over HTTP, and both the redirect and Amazon count them as they happen.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import requests
from django.conf import settings

from attribution.models import Store
from campaigns.clicks.flush import clicks_write
from campaigns.models import AffiliateLink, Campaign
from campaigns.qr import short_url
from tenancy.scoping import tenant_scope

HISTORY_DAYS = 42
VISITS_PER_DAY = [3, 14]  # per link
LIVE_VISITS_PER_HOUR = 60  # over every demo link together: a visit a minute


@dataclass
class History:
    visits: int = 0  # every tap on a link, bots included
    our_clicks: int = 0  # what our redirect counts (bots excluded)
    amazon_clicks: int = 0  # visits that reached Amazon's product page
    first_day: date | None = None


def demo_links(store: Store) -> list[AffiliateLink]:
    """The active links of the store's active demo campaigns."""
    with tenant_scope(store.organization_id):
        return list(
            AffiliateLink.objects.filter(
                store=store,
                is_active=True,
                campaign__is_demo=True,
                campaign__status=Campaign.Status.ACTIVE,
            ).select_related("campaign__tracking_plan", "campaign_creator", "product")
        )


def _click_row(link: AffiliateLink, visit: dict) -> dict[str, str]:
    ts = datetime.fromisoformat(visit["ts"].replace("Z", "+00:00"))
    bot = visit["outcome"] == "bot"
    return {
        "id": uuid.uuid5(uuid.NAMESPACE_URL, f"demo-shopper:{link.code}:{visit['ts']}").hex,
        "link": str(link.pk),
        "org": str(link.organization_id),
        "ts": f"{ts.timestamp():.6f}",
        "sub": visit["sub"],
        "ip": hashlib.sha256(f"demo|{visit['visitor']}".encode()).hexdigest(),
        "ua": "preview" if bot else visit["device"],
        "ref": visit["referrer"],
        "u": "0" if bot else "1",
        "bot": "1" if bot else "0",
        "self": "0",
    }


def demo_history_ensure(store: Store) -> History:
    """Shoppers on the store's demo links over the past days (at most `HISTORY_DAYS`, from each
    campaign's start): Amazon's clicks in the sandbox, ours in our tables (idempotent both)."""
    result = History()
    links = demo_links(store)
    end = store.today() - timedelta(days=1)
    by_campaign: dict[int, list[AffiliateLink]] = {}
    for link in links:
        by_campaign.setdefault(link.campaign_id, []).append(link)
    for campaign_links in by_campaign.values():
        campaign = campaign_links[0].campaign
        start = max(campaign.starts_on, end - timedelta(days=HISTORY_DAYS - 1))
        if start > end:
            continue
        result.first_day = min(filter(None, (result.first_day, start)))
        by_code = {link.code: link for link in campaign_links}
        response = requests.post(
            f"{settings.AMAZON_SANDBOX_URL}/sandbox/shoppers/history",
            json={
                "advertiserId": store.advertiser_id,
                "publisherId": campaign.tracking_plan.publisher_id,
                "links": [
                    {
                        "code": link.code,
                        "campaignId": campaign.amazon_campaign_id,
                        "adGroupId": link.campaign_creator.amazon_adgroup_id,
                        "creativeId": link.amazon_creative_id,
                        # a store-page visit lands on the store's featured product
                        "asin": link.product.asin if link.product else "B0STOREPG1",
                    }
                    for link in campaign_links
                ],
                "start": start.isoformat(),
                "end": end.isoformat(),
                "visitsPerDay": VISITS_PER_DAY,
            },
            timeout=120,
        )
        response.raise_for_status()
        body = response.json()
        rows = [_click_row(by_code[v["code"]], v) for v in body["visits"]]
        clicks_write(rows)
        result.visits += len(rows)
        result.our_clicks += sum(1 for r in rows if r["bot"] == "0")
        result.amazon_clicks += body["amazonClicks"]
    return result


def demo_shoppers_start(stores: list[Store]) -> int:
    """From now on, the sandbox's shoppers open the demo links' short URLs (`make run`)."""
    codes = [link.code for store in stores for link in demo_links(store)]
    if not codes:
        return 0
    site = short_url("x").rsplit("/l/", 1)[0]
    response = requests.post(
        f"{settings.AMAZON_SANDBOX_URL}/sandbox/shoppers",
        json={
            "site": site,
            "links": [{"code": c} for c in codes],
            "visitsPerHour": LIVE_VISITS_PER_HOUR,
        },
        timeout=30,
    )
    response.raise_for_status()
    return len(codes)
