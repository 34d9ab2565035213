"""/api/v1/activity/: the trail for integrators (admin and finance keys, owners, admins and
finance by session), filtered and paginated by cursor like the page."""

from __future__ import annotations

import pytest

from tests.support.api import client_for, error, key_for
from tests.support.audit import page_changes


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("finance", 200), ("manager", 403), ("viewer", 403)]
)
def test_keys_of_admin_and_finance_roles_only(tenant_a, role, status):
    response = client_for(key_for(tenant_a, role=role)).get("/api/v1/activity/")
    assert response.status_code == status


def test_lists_changes_with_actor_and_before_after(world_a, world_b, tenant_a, tenant_b):
    page_changes(world_a, tenant_a)
    page_changes(world_b, tenant_b)
    api = client_for(key_for(tenant_a, role="finance"))
    body = api.get("/api/v1/activity/", {"what": "campaign"}).json()
    changed = [r for r in body["results"] if r["event"] == "changed"]
    assert len(changed) == 1
    row = changed[0]
    assert row["object"] == world_a.campaign.pk and row["object_label"] == "Spring"
    assert row["actor"] == {
        "type": "user",
        "label": "manager@alpha.test",
        "user": tenant_a.manager.pk,
        "email": "manager@alpha.test",
        "api_key": "",
        "name": "",
    }
    rate = next(c for c in row["changes"] if c["field"] == "default_commission_rate")
    assert rate == {
        "field": "default_commission_rate",
        "label": "Default commission rate",
        "before": "10.00",
        "after": "7.50",
        "before_display": "10.00 %",
        "after_display": "7.50 %",
    }
    assert row["id"] == f"campaign-{row['id'].split('-')[1]}" and row["time"].endswith("Z")
    # another tenant's object id finds nothing
    other = api.get("/api/v1/activity/", {"what": "campaign", "object": world_b.campaign.pk})
    assert other.json()["results"] == []


def test_cursor_pages_and_bad_input(world_a, tenant_a):
    page_changes(world_a, tenant_a)
    api = client_for(key_for(tenant_a, role="admin"))
    everything = api.get("/api/v1/activity/", {"page_size": 500}).json()["results"]
    seen, url = [], "/api/v1/activity/?page_size=3"
    while url:
        body = api.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert seen == [r["id"] for r in everything] and len(set(seen)) == len(seen)
    error(api.get("/api/v1/activity/", {"cursor": "nope"}), 400, "invalid")
    error(api.get("/api/v1/activity/", {"object": 3}), 400, "invalid")
    error(api.get("/api/v1/activity/", {"what": "nothing"}), 400, "invalid")
    error(api.get("/api/v1/activity/", {"who": "user:x"}), 400, "invalid")


def test_session_members_of_finance_roles(world_a, tenant_a):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(tenant_a.manager)
    assert client.get("/api/v1/activity/", HTTP_X_ORGANIZATION="alpha").status_code == 403
    client.force_login(tenant_a.owner)
    assert client.get("/api/v1/activity/", HTTP_X_ORGANIZATION="alpha").status_code == 200
