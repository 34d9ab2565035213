"""The campaign's approval rule (issue 14) is edited on the campaign page and in the API."""

from __future__ import annotations

import re
from decimal import Decimal

from campaigns.models import Campaign
from tenancy.scoping import tenant_scope
from tests.support.api import client_for, key_for

FORM = {
    "name": "Summer Trail",
    "starts_on": "2026-06-01",
    "ends_on": "2026-08-31",
    "status": "active",
    "track_sales": "on",
    "default_commission_rate": "7.50",
    "commission_basis": "total",
    "settlement_days": "45",
    "store_page": "",
}


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="id_{field}_error"[^>]*>([^<]*)<', html)
    return match.group(1) if match else ""


def test_edit_the_approval_rule_on_the_campaign_page(worlds):
    world = worlds["alpha"]
    client = world.tenant.client()
    url = f"/o/alpha/campaigns/{world.campaign.pk}/edit/"
    page = client.get(url).content.decode()
    assert "Approve automatically at settlement" in page
    assert 'name="auto_approve_max_restated_percent"' in page and 'value="10.00"' in page
    data = {**FORM, "tracking_plan": world.plan.pk}
    r = client.post(url, {**data, "auto_approve": "on", "auto_approve_max_restated_percent": "101"})
    assert r.status_code == 400
    assert "less than or equal to 100" in field_error(
        r.content.decode(), "auto_approve_max_restated_percent"
    )
    r = client.post(url, {**data, "auto_approve": "on", "auto_approve_max_restated_percent": "5"})
    assert r.status_code == 302
    with tenant_scope(world.org):
        campaign = Campaign.objects.get(pk=world.campaign.pk)
    assert (campaign.auto_approve, campaign.auto_approve_max_restated_percent) == (
        True,
        Decimal("5.00"),
    )
    # left empty: the default share; unticked: off
    assert client.post(url, {**data, "auto_approve_max_restated_percent": ""}).status_code == 302
    with tenant_scope(world.org):
        campaign = Campaign.objects.get(pk=world.campaign.pk)
    assert (campaign.auto_approve, campaign.auto_approve_max_restated_percent) == (
        False,
        Decimal("10.00"),
    )


def test_approval_rule_in_the_api(worlds):
    world = worlds["alpha"]
    api = client_for(key_for(world.tenant))
    url = f"/api/v1/campaigns/{world.campaign.pk}/"
    r = api.patch(
        url, {"auto_approve": True, "auto_approve_max_restated_percent": "2.5"}, format="json"
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["auto_approve"], body["auto_approve_max_restated_percent"]) == (True, "2.50")
