"""The REST API through HTTP: keys and sessions, the tenant from the key, roles, one error
format, 404 for other tenants' objects, rate limits, and the resources calling the services."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from api.models import ApiKey
from api.views.base import TenantViewSet
from commissions.models import Conversion
from tenancy.scoping import tenant_scope
from tests.factories import AffiliateLinkFactory, CampaignCreatorFactory, ConversionFactory
from tests.support.api import client_for, error, key_for

# --- authentication and the tenant -----------------------------------------------------------


def test_without_credentials_401(world_a):
    r = APIClient().get("/api/v1/stores/")
    error(r, 401, "not_authenticated")
    assert r["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header",
    [
        "Bearer nope",
        "Bearer amzattr_abcdefghijkl_wrong",
        "Bearer amzattr_short_x",
        "Bearer a b",
        "Bearer ünïcode",
    ],
)
def test_bad_keys_401(world_a, key_a, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    error(client.get("/api/v1/stores/"), 401, "authentication_failed")


def test_a_key_is_stored_hashed_and_records_use(world_a, tenant_a, key_a, api_a):
    assert api_a.get("/api/v1/stores/").status_code == 200
    with tenant_scope(tenant_a.org):
        key = ApiKey.objects.get()
    assert key_a.startswith(f"amzattr_{key.prefix}_") and key.key_hash != key_a
    assert key.last_used_at is not None and key.created_by == tenant_a.owner


def test_a_revoked_key_stops_working(world_a, tenant_a, key_a, api_a):
    with tenant_scope(tenant_a.org):
        key = ApiKey.objects.get()
    page = tenant_a.client(tenant_a.owner).post(f"/o/alpha/settings/api-keys/{key.pk}/revoke/")
    assert page.status_code == 302
    error(api_a.get("/api/v1/stores/"), 401, "authentication_failed")


def test_a_key_sees_only_its_organisation(world_a, world_b, api_a):
    stores = api_a.get("/api/v1/stores/").json()["results"]
    assert world_a.store.pk in {s["id"] for s in stores}
    assert world_b.store.pk not in {s["id"] for s in stores}
    # naming another organisation changes nothing for a key
    stores2 = api_a.get("/api/v1/stores/", HTTP_X_ORGANIZATION="bravo").json()["results"]
    assert stores2 == stores


def test_session_users_name_the_organisation(world_a, world_b, tenant_a):
    client = tenant_a.client()
    error(client.get("/api/v1/campaigns/"), 400, "invalid")
    r = client.get("/api/v1/campaigns/", HTTP_X_ORGANIZATION="alpha")
    assert r.status_code == 200 and [c["id"] for c in r.json()["results"]] == [world_a.campaign.pk]
    assert client.get("/api/v1/campaigns/?org=alpha").status_code == 200
    error(client.get("/api/v1/campaigns/", HTTP_X_ORGANIZATION="bravo"), 404, "not_found")
    error(client.get("/api/v1/campaigns/", HTTP_X_ORGANIZATION="nope"), 404, "not_found")


def test_roles_limit_what_a_key_may_do(world_a, tenant_a):
    viewer = client_for(key_for(tenant_a, role="viewer"))
    assert viewer.get("/api/v1/campaigns/").status_code == 200
    r = viewer.post("/api/v1/creators/", {"name": "X"}, format="json")
    error(r, 403, "permission_denied")
    error(
        viewer.post(f"/api/v1/conversions/{world_a.conversions[0].pk}/approve/", {}, format="json"),
        403,
        "permission_denied",
    )
    # exports are reads: every role may ask for one
    r = viewer.post("/api/v1/exports/", {"start": "2026-10-20", "end": "2026-10-24"}, format="json")
    assert r.status_code == 201


def test_rate_limit_per_key_answers_429_with_retry_after(world_a, tenant_a, api_a, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    other = client_for(key_for(tenant_a, name="Other"))
    for _ in range(3):
        assert api_a.get("/api/v1/stores/").status_code == 200
    r = api_a.get("/api/v1/stores/")
    error(r, 429, "rate_limited")
    assert 1 <= int(r["Retry-After"]) <= 60
    assert other.get("/api/v1/stores/").status_code == 200  # counted per key


def test_unknown_api_paths_answer_in_the_error_format(api_a):
    error(api_a.get("/api/v1/nothing-here/"), 404, "not_found")


def test_the_base_view_cannot_be_weakened():
    with pytest.raises(TypeError, match="may not override"):

        class Weak(TenantViewSet):
            permission_classes = []

    with pytest.raises(TypeError, match="may not override"):

        class Weaker(TenantViewSet):
            def initial(self, request, *args, **kwargs):
                pass


def test_every_api_view_derives_from_the_tenant_base():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.callback

    found = 0
    for route, callback in walk(get_resolver().url_patterns):
        if route.startswith("api/v1/") and hasattr(callback, "cls"):
            assert issubclass(callback.cls, TenantViewSet), route
            found += 1
    assert found >= 20


# --- other tenants' objects ----------------------------------------------------------------------


def test_other_tenants_objects_are_404(world_a, world_b, api_a):
    b = world_b
    for path in (
        f"/api/v1/stores/{b.store.pk}/",
        f"/api/v1/stores/{b.store.pk}/publishers/",
        f"/api/v1/tracking-plans/{b.plan.pk}/",
        f"/api/v1/campaigns/{b.campaign.pk}/",
        f"/api/v1/products/{b.product.pk}/",
        f"/api/v1/creators/{b.creators[0].pk}/",
        f"/api/v1/campaign-creators/{b.ccs[0].pk}/",
        f"/api/v1/links/{b.links[0].pk}/",
        f"/api/v1/conversions/{b.conversions[0].pk}/",
    ):
        error(api_a.get(path), 404, "not_found")
    error(
        api_a.patch(f"/api/v1/campaigns/{b.campaign.pk}/", {"name": "x"}, format="json"),
        404,
        "not_found",
    )
    error(api_a.delete(f"/api/v1/products/{b.product.pk}/"), 404, "not_found")
    error(
        api_a.post(f"/api/v1/conversions/{b.conversions[0].pk}/approve/", {}, format="json"),
        404,
        "not_found",
    )
    r = api_a.post("/api/v1/conversions/approve/", {"ids": [b.conversions[0].pk]}, format="json")
    assert r.json() == {"decided": 0, "skipped": {str(b.conversions[0].pk): "not found"}}
    body = error(
        api_a.post(
            "/api/v1/products/", {"campaign": b.campaign.pk, "asin": "B0BBBBBBB1"}, format="json"
        ),
        400,
        "invalid",
    )
    assert body["fields"] == {"campaign": ["No such campaign."]}
    error(api_a.post("/api/v1/sync-runs/", {"store": b.store.pk}, format="json"), 400, "invalid")
    # lists and filters never show them
    links = api_a.get(f"/api/v1/links/?campaign={b.campaign.pk}").json()["results"]
    assert links == []
    rows = api_a.get(
        "/api/v1/daily-metrics/", {"start": "2026-10-01", "end": "2026-10-31", "store": b.store.pk}
    )
    assert error(rows, 400, "invalid")["fields"] == {"store": [f"Unknown store: {b.store.pk}."]}
    with tenant_scope(world_b.store.organization_id):
        assert Conversion.objects.filter(status="approved").count() == 2


# --- resources ------------------------------------------------------------------------------------


def test_a_campaign_from_scratch(world_a, api_a, amazon_sandbox):
    store = world_a.store.pk
    publishers = api_a.get(f"/api/v1/stores/{store}/publishers/").json()
    assert publishers and set(publishers[0]) == {"id", "name"}
    r = api_a.post(
        "/api/v1/tracking-plans/",
        {"store": store, "publisher_id": publishers[0]["id"], "name": "Creators"},
        format="json",
    )
    assert r.status_code == 201 and "maas=" in r.json()["template_tag"]
    plan = r.json()["id"]
    r = api_a.post(
        "/api/v1/campaigns/",
        {
            "store": store,
            "tracking_plan": plan,
            "name": "Autumn Drop",
            "starts_on": "2026-11-01",
            "default_commission_rate": "7.50",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    campaign = r.json()
    assert (
        campaign["amazon_campaign_id"].startswith("autumn-drop") and campaign["status"] == "draft"
    )
    r = api_a.patch(f"/api/v1/campaigns/{campaign['id']}/", {"status": "active"}, format="json")
    assert r.json()["status"] == "active"
    creator = api_a.post(
        "/api/v1/creators/", {"name": "Lee", "handle": "@lee"}, format="json"
    ).json()
    r = api_a.post(
        "/api/v1/links/bulk/",
        {
            "campaign": campaign["id"],
            "creators": [creator["id"], world_a.creators[0].pk],
            "products": [{"asin": "b0ccccccc1", "title": "Tent"}, {"asin": "B0CCCCCCC2"}],
        },
        format="json",
    )
    assert r.status_code == 201 and r.json() == {"created": 4, "job": None}
    links = api_a.get(f"/api/v1/links/?campaign={campaign['id']}").json()["results"]
    assert len(links) == 4 and all(link["short_url"].endswith(link["code"]) for link in links)
    assert all("aa_campaignid=" in link["destination_url"] for link in links)
    # a single link is idempotent
    one = links[0]
    r = api_a.post(
        "/api/v1/links/",
        {"campaign_creator": one["campaign_creator"], "product": one["product"]},
        format="json",
    )
    assert r.status_code == 200 and r.json()["id"] == one["id"]
    r = api_a.patch(f"/api/v1/links/{one['id']}/", {"is_active": False}, format="json")
    assert r.json()["is_active"] is False
    # validation from the services, per field
    r = api_a.post(
        "/api/v1/campaigns/",
        {
            "store": store,
            "tracking_plan": plan,
            "name": "Bad",
            "starts_on": "2026-11-01",
            "ends_on": "2026-10-01",
            "default_commission_rate": "5",
        },
        format="json",
    )
    assert error(r, 400, "invalid")["fields"] == {
        "ends_on": ["The end date is before the start date."]
    }
    r = api_a.post("/api/v1/products/", {"campaign": campaign["id"], "asin": "nope"}, format="json")
    assert "products" in error(r, 400, "invalid")["fields"]


def test_daily_metrics_are_the_export_rows(world_a, api_a, tenant_a):
    params = {"start": "2026-10-20", "end": "2026-10-24", "group_by": "campaign"}
    r = api_a.get("/api/v1/daily-metrics/", params)
    assert r.status_code == 200
    rows = r.json()["results"]
    exported = tenant_a.client().post("/o/alpha/exports/", {**params, "stores": [world_a.store.pk]})
    csv_rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert len(rows) == len(csv_rows) == 6  # 5 days of spring + 1 of unmatched
    for row, line in zip(rows, csv_rows, strict=True):
        assert row["date"] == line["date"] and (row["campaign_name"] or "") == line["campaign"]
        for name in ("link_clicks", "clicks", "purchases", "sales", "total_sales", "commission"):
            assert str(row[name]) == line[name], name
    spring = [r for r in rows if r["campaign"] == world_a.campaign.pk]
    assert sum(r["link_clicks"] for r in spring) == 2 * sum(12 + d for d in range(5))
    # pages by cursor cover every row once
    seen, url = (
        [],
        "/api/v1/daily-metrics/?start=2026-10-20&end=2026-10-24&group_by=link&page_size=3",
    )
    while url:
        page = api_a.get(url).json()
        seen += page["results"]
        url = page["next"]
    assert len(seen) == 10 and all(r["commission"] is None for r in seen)
    assert len({(r["date"], r["link"]) for r in seen}) == 10
    # filters
    jane = api_a.get(
        "/api/v1/daily-metrics/",
        {**params, "group_by": "creator", "creator": world_a.creators[0].pk},
    )
    assert {r["creator_name"] for r in jane.json()["results"]} == {"Jane"}
    bad = api_a.get("/api/v1/daily-metrics/", {**params, "link": world_a.links[0].pk})
    assert "link" in error(bad, 400, "invalid")["fields"]
    bad = api_a.get("/api/v1/daily-metrics/", {**params, "end": "2026-10-01"})
    assert "end" in error(bad, 400, "invalid")["fields"]
    bad = api_a.get("/api/v1/daily-metrics/", {**params, "cursor": "%%%"})
    assert error(bad, 400, "invalid")["fields"] == {"cursor": ["Invalid cursor."]}


def test_conversions_approve_and_deny(world_a, api_a, tenant_a):
    awaiting, pending, approved = world_a.conversions[:3]
    r = api_a.get("/api/v1/conversions/?status=awaiting")
    assert {c["id"] for c in r.json()["results"]} == {
        c.pk for c in world_a.conversions if c.status == "awaiting"
    }
    r = api_a.post(f"/api/v1/conversions/{awaiting.pk}/approve/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = api_a.post(f"/api/v1/conversions/{pending.pk}/approve/", {}, format="json")
    assert error(r, 400, "invalid")["fields"]["status"][0].startswith("still pending until")
    other = world_a.conversions[3]
    r = api_a.post(f"/api/v1/conversions/{other.pk}/deny/", {}, format="json")
    assert "reason" in error(r, 400, "invalid")["fields"]
    r = api_a.post(
        "/api/v1/conversions/deny/",
        {"ids": [other.pk, approved.pk], "reason": "Returned"},
        format="json",
    )
    assert r.json() == {"decided": 1, "skipped": {str(approved.pk): "already approved"}}


def test_sync_now_is_rate_limited_per_store(world_a, api_a):
    r = api_a.post("/api/v1/sync-runs/", {"store": world_a.store.pk}, format="json")
    assert r.status_code == 202 and r.json()["store"] == world_a.store.pk
    r = api_a.post("/api/v1/sync-runs/", {"store": world_a.store.pk}, format="json")
    error(r, 429, "sync_too_soon")
    assert 800 <= int(r["Retry-After"]) <= 901
    assert api_a.get("/api/v1/sync-runs/").status_code == 200


def test_exports_small_now_large_in_the_background(world_a, api_a, settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path
    body = {"start": "2026-10-20", "end": "2026-10-24", "group_by": "creator"}
    r = api_a.post("/api/v1/exports/", body, format="json")
    assert r.status_code == 201, r.content
    export = r.json()
    assert export["status"] == "done" and export["rows_written"] == 11  # 5 days x 2 + 1
    assert export["download_url"].startswith("http://testserver/exports/")
    download = APIClient().get(export["download_url"])
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert len(lines) == 12 and lines[0].startswith("date,store,marketplace,currency,campaign")
    assert api_a.get(f"/api/v1/exports/{export['id']}/").json()["status"] == "done"
    settings.EXPORT_ASYNC_ROWS = 1
    r = api_a.post("/api/v1/exports/", body, format="json")
    assert (
        r.status_code == 202 and r.json()["status"] == "queued" and r.json()["download_url"] is None
    )
    r = api_a.post("/api/v1/exports/", {**body, "stores": [999999999]}, format="json")
    assert error(r, 400, "invalid")["fields"] == {"stores": ["Unknown store: 999999999."]}


def test_list_endpoints_use_a_fixed_number_of_queries(world_a, api_a, tenant_a):
    paths = [
        "/api/v1/links/",
        "/api/v1/conversions/",
        "/api/v1/campaign-creators/",
        "/api/v1/creators/",
        "/api/v1/daily-metrics/?start=2026-10-01&end=2026-10-31&group_by=creator",
    ]

    def counts():
        result = {}
        for path in paths:
            with CaptureQueriesContext(connection) as ctx:
                assert api_a.get(path).status_code == 200
            result[path] = len(ctx.captured_queries)
        return result

    api_a.get("/api/v1/stores/")  # the key's first use of the minute records last_used_at
    before = counts()
    for i in range(6):
        cc = CampaignCreatorFactory(
            campaign=world_a.campaign, creator__name=f"Extra {i}", amazon_adgroup_id=f"extra{i}"
        )
        AffiliateLinkFactory(
            campaign_creator=cc,
            product=world_a.product,
            amazon_creative_id=f"extra{i}-1",
            code=f"extra{i}code",
            destination_url="https://www.amazon.com/dp/B0AAAAAAA1",
        )
        ConversionFactory(
            campaign_creator=cc,
            date=date(2026, 10, 1) + timedelta(days=i),
            currency="USD",
            commission_rate=Decimal("10"),
            settles_on=date(2026, 11, 1),
            status="awaiting",
        )
    assert counts() == before
    assert max(before.values()) <= 12


# --- keys: the settings page and the command ------------------------------------------------------


def test_owners_create_a_key_shown_once(tenant_a, tenant_b):
    client = tenant_a.client(tenant_a.owner)
    r = client.post("/o/alpha/settings/api-keys/", {"name": "Accounting", "role": "finance"})
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    html = r.content.decode()
    raw = html.split('id="new-key" class="mono" readonly value="')[1].split('"')[0]
    assert raw.startswith("amzattr_")
    assert client_for(raw).get("/api/v1/stores/").status_code == 200
    again = client.get("/o/alpha/settings/api-keys/").content.decode()
    assert raw not in again and "Accounting" in again and "Finance" in again
    # managers may not
    assert tenant_a.client(tenant_a.manager).get("/o/alpha/settings/api-keys/").status_code == 403
    r = client.post("/o/alpha/settings/api-keys/", {"name": "", "role": "owner"})
    assert r.status_code == 400


def test_create_api_key_command_prints_a_key(tenant_a):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_key", "alpha", "--name", "ETL", "--role", "manager", stdout=out, stderr=err
    )
    raw = out.getvalue().strip()
    assert raw.startswith("amzattr_") and "ETL" in err.getvalue()
    r = client_for(raw).get("/api/v1/stores/")
    assert r.status_code == 200
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_key", "nope", "--name", "x", "--role", "viewer")
    with pytest.raises(CommandError):
        call_command("create_api_key", "alpha", "--name", "x", "--role", "owner")
