"""One meaning of "last 30 days": the overview, a campaign's performance page, the campaign
list, a creator's page, the export form and the creator portal all default to the latest day
that has ended in the organisation's stores and the 29 before it, so one campaign shows one
figure everywhere (issue 15: the overview showed 27 Oct-25 Nov and the performance page
26 Oct-24 Nov, one campaign 77,375.18 on one and 80,005.08 on the other)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from attribution.models import DailyMetric
from core import clock
from tenancy.scoping import tenant_scope
from tests.support.sync import sync

# 12:00 UTC on 16 Nov: 04:00 in Los Angeles, so the latest complete day is 15 Nov. The synced
# window ends on 14 Nov (Amazon's data_through), the day the performance page used to end on.
NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
START, END = date(2026, 10, 17), date(2026, 11, 15)
LABEL = "17 Oct 2026 \u2013 15 Nov 2026"


@pytest.fixture
def at_noon(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def flat(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_every_staff_page_and_the_export_default_to_the_same_period(
    at_noon, campaign, us_store, tenant_a
):
    sync(us_store)
    with tenant_scope(tenant_a.org):
        sales = DailyMetric.objects.filter(
            store=us_store, level="campaign", amazon_campaign_id="spring", date__range=(START, END)
        ).aggregate(s=Sum("sales"))["s"]
        us_store.refresh_from_db()
        assert us_store.data_through == date(2026, 11, 14)
        jane = campaign.campaign_creators.get(amazon_adgroup_id="jane").creator
    assert sales > Decimal("1000")
    money = f"${sales:,.2f}"
    client = tenant_a.client()

    overview = flat(client.get("/o/alpha/").content.decode())
    performance = flat(
        client.get(f"/o/alpha/campaigns/{campaign.pk}/performance/").content.decode()
    )
    campaigns = flat(client.get("/o/alpha/campaigns/").content.decode())
    creator = flat(client.get(f"/o/alpha/creators/{jane.pk}/").content.decode())
    for page in (overview, performance, creator):
        assert LABEL in page
    assert "17 Oct 2026 to 15 Nov 2026" in campaigns
    # the same campaign figure on the overview, its performance page and the campaign list
    assert money in overview and money in performance and money in campaigns

    form = client.get("/o/alpha/exports/").content.decode()
    assert f'value="{START}"' in form and f'value="{END}"' in form
    # the links into the export carry the same range
    assert f"start={START}&amp;end={END}" in overview


def test_the_portal_defaults_to_the_staff_pages_period(at_noon, portal):
    brand = portal.brands["alpha"]
    staff = flat(brand.tenant.client().get("/o/alpha/").content.decode())
    creator = flat(portal.client("omar").get("/portal/b/alpha/").content.decode())
    link = portal.profiles["omar@alpha"].links[0]
    link_page = flat(
        portal.client("omar").get(f"/portal/b/alpha/links/{link.pk}/").content.decode()
    )
    for page in (staff, creator, link_page):
        assert LABEL in page


def test_a_chosen_range_is_kept_on_every_page(at_noon, campaign, us_store, tenant_a):
    client = tenant_a.client()
    params = {"range": "custom", "start": "2026-10-20", "end": "2026-11-14"}
    for url in ("/o/alpha/", f"/o/alpha/campaigns/{campaign.pk}/performance/"):
        assert "20 Oct 2026 \u2013 14 Nov 2026" in flat(client.get(url, params).content.decode())
    assert "20 Oct 2026 to 14 Nov 2026" in flat(
        client.get("/o/alpha/campaigns/", params).content.decode()
    )


def test_an_empty_portal_range_is_explained_not_drawn(portal):
    client = portal.client("omar")
    empty = "?range=custom&start=2026-06-01&end=2026-06-30"
    html = flat(client.get("/portal/b/alpha/" + empty).content.decode())
    assert "No clicks and no sales in this range yet." in html and "<canvas" not in html
    october = "?range=custom&start=2026-10-01&end=2026-10-31"
    assert "<canvas" in client.get("/portal/b/alpha/" + october).content.decode()
