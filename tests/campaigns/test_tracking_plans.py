"""Tracking plans through HTTP: pick a publisher, the tag comes from Amazon (the sandbox),
rename, archive, refetch, and delete only when no campaign uses the plan."""

from __future__ import annotations

import re

from django.test import Client

from campaigns.models import TrackingPlan
from tenancy.models import Role
from tenancy.scoping import tenant_scope
from tests.factories import MembershipFactory, TrackingPlanFactory
from tests.support.amazon import sandbox_control
from tests.support.campaigns import us_store_of
from tests.support.queries import queries_for


def test_create_a_plan_fetches_the_tag_from_amazon(connected_stores, tenant_a, amazon_sandbox):
    store = us_store_of(connected_stores["alpha"])
    client = tenant_a.client()
    page = client.get(f"/o/alpha/tracking-plans/new/?store={store.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("Instagram", "TikTok", "YouTube", "Influencer / affiliate (other)"):
        assert name in html
    response = client.post(
        "/o/alpha/tracking-plans/new/", {"store": store.pk, "publisher_id": "101", "name": ""}
    )
    assert response.status_code == 302
    with tenant_scope(tenant_a.org):
        plan = TrackingPlan.objects.get()
    assert response["Location"] == f"/o/alpha/tracking-plans/{plan.pk}/"
    assert (plan.store_id, plan.name, plan.publisher_id, plan.publisher_name) == (
        store.pk,
        "Instagram",
        "101",
        "Instagram",
    )
    assert plan.template_tag == (
        f"maas=maas_adg_api_{store.advertiser_id}_static_9_101&ref_=aa_maas&tag=maas"
    )
    # Amazon saw the (mandatory) tag fetch, which switches measurement on
    assert store.advertiser_id in amazon_sandbox.state.tagged_advertisers
    detail = client.get(response["Location"]).content.decode()
    assert plan.template_tag.replace("&", "&amp;") in detail
    assert "No campaign uses this plan." in detail


def test_errors_are_shown_next_to_the_field(connected_stores, tenant_a, amazon_sandbox):
    store = us_store_of(connected_stores["alpha"])
    client = tenant_a.client()
    r = client.post("/o/alpha/tracking-plans/new/", {"store": store.pk, "publisher_id": "999"})
    assert r.status_code == 400
    assert 'id="id_publisher_id_error"' in r.content.decode()
    client.post("/o/alpha/tracking-plans/new/", {"store": store.pk, "publisher_id": "102"})
    r = client.post(
        "/o/alpha/tracking-plans/new/",
        {"store": store.pk, "publisher_id": "103", "name": "tiktok"},
    )
    assert r.status_code == 400
    assert "This store already has a plan with that name." in r.content.decode()


def test_amazon_failure_is_reported(connected_stores, tenant_a, amazon_sandbox):
    store = us_store_of(connected_stores["alpha"])
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"fail": {"count": 10, "status": 503}})
    r = tenant_a.client().get(f"/o/alpha/tracking-plans/new/?store={store.pk}")
    assert r.status_code == 200
    assert "Amazon did not list the publishers: Amazon had an error (503)." in r.content.decode()


def test_rename_archive_refetch_and_delete(worlds, amazon_sandbox):
    world = worlds["alpha"]
    client = world.tenant.client()
    url = f"/o/alpha/tracking-plans/{world.plan.pk}/"
    assert client.post(url, {"action": "rename", "name": "Creators EU"}).status_code == 302
    assert client.post(url, {"action": "archive"}).status_code == 302
    with tenant_scope(world.org):
        plan = TrackingPlan.objects.get(pk=world.plan.pk)
        assert plan.name == "Creators EU" and plan.archived_at is not None
    # archived plans are not offered to new campaigns
    form = client.get(f"/o/alpha/campaigns/new/?store={world.store.pk}").content.decode()
    assert "Creators EU (" not in form and "Create a new tracking plan" in form
    client.post(url, {"action": "unarchive"})
    fetched = plan.tag_fetched_at
    client.post(url, {"action": "refresh"})
    # in use by a campaign: cannot be deleted
    r = client.post(url, {"action": "delete"}, follow=True)
    assert "Creators EU is used by 1 campaign; archive it instead." in r.content.decode()
    with tenant_scope(world.org):
        plan.refresh_from_db()
        assert plan.archived_at is None and plan.tag_fetched_at > fetched
    # an unused plan can
    client.post(
        "/o/alpha/tracking-plans/new/",
        {"store": world.store.pk, "publisher_id": "103", "name": "Spare"},
    )
    with tenant_scope(world.org):
        spare = TrackingPlan.objects.get(name="Spare")
    r = client.post(f"/o/alpha/tracking-plans/{spare.pk}/", {"action": "delete"})
    assert r["Location"] == "/o/alpha/tracking-plans/"
    with tenant_scope(world.org):
        assert list(TrackingPlan.objects.values_list("name", flat=True)) == ["Creators EU"]


def test_finance_can_look_but_not_change(worlds):
    world = worlds["alpha"]
    finance = MembershipFactory(organization=world.org, role=Role.FINANCE).user
    client = Client()
    client.force_login(finance)
    assert client.get("/o/alpha/tracking-plans/").status_code == 200
    url = f"/o/alpha/tracking-plans/{world.plan.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "archive"}).status_code == 403
    assert client.get("/o/alpha/tracking-plans/new/").status_code == 403


def test_list_page_query_count_does_not_grow(worlds):
    world = worlds["alpha"]
    client = world.tenant.client()
    before = queries_for(client, "/o/alpha/tracking-plans/")
    for n in range(8):
        TrackingPlanFactory(
            store=world.store,
            name=f"Plan {n}",
            publisher_id="101",
            template_tag=world.plan.template_tag,
            tag_fetched_at=world.plan.tag_fetched_at,
        )
    assert queries_for(client, "/o/alpha/tracking-plans/") == before
    page = client.get("/o/alpha/tracking-plans/").content.decode()
    assert len(re.findall(r'href="/o/alpha/tracking-plans/\d+/"', page)) == 9
    # the other tenant's plans are not listed
    assert f"/o/alpha/tracking-plans/{worlds['bravo'].plan.pk}/" not in page
