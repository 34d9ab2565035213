"""Bulk decisions in the API with the conversions page's filter (issue 14): every conversion
matching, all or nothing, refused with 409 when the selection changed."""

from __future__ import annotations

from commissions.models import Conversion
from tenancy.scoping import tenant_scope
from tests.support.api import error
from tests.support.approvals import approval_queue

SELECTION = "/api/v1/conversions/selection/"
APPROVE = "/api/v1/conversions/approve/"
DENY = "/api/v1/conversions/deny/"


def test_approve_every_conversion_matching_a_filter(api_a, tenant_a, tenant_b):
    q = approval_queue(tenant_a)
    approval_queue(tenant_b)
    query = {"campaign": q.spring.pk, "month": "2026-10"}
    seen = api_a.get(SELECTION, query).json()
    assert (seen["count"], seen["totals"]) == (5, {"USD": "13.00"})
    # the list takes the same filter
    listed = api_a.get("/api/v1/conversions/", {**query, "status": "awaiting"}).json()
    assert len(listed["results"]) == 5
    r = api_a.post(
        APPROVE,
        {
            "filter": query,
            "expected_count": seen["count"],
            "expected_version": seen["version"],
        },
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json() == {"decided": 5, "skipped": {}, "totals": {"USD": "13.00"}}
    with tenant_scope(tenant_a.org):
        decided = Conversion.objects.filter(decided_at__isnull=False, decided_by__isnull=True)
        assert decided.count() == 5  # an API key acts for nobody in particular
        assert Conversion.objects.filter(status="awaiting").count() == 3
    with tenant_scope(tenant_b.org):
        assert Conversion.objects.filter(status="awaiting").count() == 8


def test_stale_selection_is_a_conflict(api_a, tenant_a):
    q = approval_queue(tenant_a)
    seen = api_a.get(SELECTION).json()
    assert (seen["count"], seen["totals"]) == (8, {"JPY": "300", "USD": "16.00"})
    with tenant_scope(tenant_a.org):
        Conversion.objects.filter(pk=q.awaiting[-1].pk).update(status="approved")
    r = api_a.post(
        APPROVE,
        {"filter": {}, "expected_count": 8, "expected_version": seen["version"]},
        format="json",
    )
    body = error(r, 409, "selection_changed")
    assert "but 7 match now" in body["message"] and "Nothing was changed" in body["message"]
    with tenant_scope(tenant_a.org):
        assert not Conversion.objects.filter(decided_at__isnull=False).exists()


def test_bulk_deny_by_filter_needs_a_reason(api_a, tenant_a):
    q = approval_queue(tenant_a)
    r = api_a.post(DENY, {"filter": {"store": q.jpy.pk}}, format="json")
    assert "Say why" in error(r, 400, "invalid")["fields"]["reason"][0]
    r = api_a.post(DENY, {"filter": {"store": q.jpy.pk}, "reason": "Fraud"}, format="json")
    assert r.json() == {"decided": 2, "skipped": {}, "totals": {"JPY": "300"}}


def test_bulk_input_errors(api_a, tenant_a):
    q = approval_queue(tenant_a)
    both = {"ids": [q.awaiting[0].pk], "filter": {}}
    assert "either" in error(api_a.post(APPROVE, both, format="json"), 400, "invalid")["message"]
    assert error(api_a.post(APPROVE, {}, format="json"), 400, "invalid")
    bad_month = {"filter": {"month": "2026-13"}}
    fields = error(api_a.post(APPROVE, bad_month, format="json"), 400, "invalid")["fields"]
    assert fields == {"filter.month": ["Not a month (YYYY-MM)."]} or "filter" in fields
    pending = {"filter": {"status": "pending"}}
    r = api_a.post(APPROVE, pending, format="json")
    assert "awaiting approval" in error(r, 400, "invalid")["fields"]["status"][0]
    assert error(api_a.get("/api/v1/conversions/", {"month": "x"}), 400, "invalid")


def test_a_filter_never_reaches_another_tenant(api_b, tenant_a, tenant_b):
    q = approval_queue(tenant_a)
    approval_queue(tenant_b)
    r = api_b.post(APPROVE, {"filter": {"store": q.usd.pk}}, format="json")
    assert "No conversion awaiting approval matches" in error(r, 400, "invalid")["message"]
    with tenant_scope(tenant_a.org):
        assert not Conversion.objects.filter(decided_at__isnull=False).exists()
