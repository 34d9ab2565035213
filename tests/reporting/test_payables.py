"""Payables: what each creator is owed per month and currency, with adjustments; marking a
batch paid records who and when, and later adjustments are owed again."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissions.models import Conversion, PayoutBatch
from tenancy.models import Role
from tenancy.scoping import tenant_scope
from tests.factories import ConversionAdjustmentFactory, ConversionFactory, MembershipFactory
from tests.support.reporting import lines


def test_payables_per_creator_month_and_currency(owed, tenant_a):
    rows = lines(tenant_a.client(tenant_a.owner))
    assert [
        (r["month"], r["creator"], r["conversions"], r["commission"], r["adjustments"], r["owed"])
        for r in rows
    ] == [
        ("2026-09", "Jane", "1", "3.33", "0.00", "3.33"),
        ("2026-10", "Jane", "1", "2.00", "0.00", "2.00"),
        ("2026-10", "Omar", "1", "2.00", "-0.40", "1.60"),
    ]
    assert rows[0]["currency"] == "USD" and rows[0]["creator_email"] == "jane@alpha.test"
    detail = tenant_a.client(tenant_a.owner).get("/o/alpha/payables/csv/?detail=1&month=2026-10")
    detail_rows = list(csv.DictReader(io.StringIO(b"".join(detail.streaming_content).decode())))
    assert sorted((r["kind"], r["commission"]) for r in detail_rows) == [
        ("clawback", "-0.40"),
        ("conversion", "2.00"),
        ("conversion", "2.00"),
    ]
    page = tenant_a.client(tenant_a.owner).get("/o/alpha/payables/").content.decode()
    assert "Omar" in page and "$1.60" in page and "Mark selected paid" in page


def test_marking_a_batch_paid_records_who_and_when(owed, tenant_a):
    jane_approved, omar_approved, september = owed
    finance = MembershipFactory(
        organization=tenant_a.org, role=Role.FINANCE, user__email="finance@alpha.test"
    ).user
    client = tenant_a.client(finance)
    page = client.get("/o/alpha/payables/").content.decode()
    tokens = {r.split('"')[0] for r in page.split('name="line" value="')[1:]}
    october = [t for t in tokens if "|2026-10|" in t]
    data = {"line": october, "reference": "Wire 2026-11", **{f"owed-{t}": "" for t in october}}
    for token in october:
        data[f"owed-{token}"] = (
            "2.00" if token.startswith(f"{jane_approved.creator_id}|") else "1.60"
        )
    response = client.post("/o/alpha/payables/", data)
    assert response.status_code == 302
    with tenant_scope(tenant_a.org):
        batch = PayoutBatch.objects.get()
        paid = Conversion.objects.filter(status="paid")
        assert {c.pk for c in paid} == {jane_approved.pk, omar_approved.pk}
        assert all(c.paid_at == batch.paid_at and c.payout_batch_id == batch.pk for c in paid)
        assert batch.paid_by == finance and batch.reference == "Wire 2026-11"
        assert batch.totals == {"USD": "3.60"} and batch.adjustments_count == 1
        september.refresh_from_db()
        assert september.status == "payable"
        # Amazon restates after payment: a clawback on a paid conversion is owed again
        ConversionAdjustmentFactory(
            conversion=jane_approved, kind="clawback", included=False, commission=Decimal("-0.50")
        )
    rows = lines(client)
    assert [(r["month"], r["creator"], r["owed"]) for r in rows] == [
        ("2026-09", "Jane", "3.33"),
        ("2026-10", "Jane", "-0.50"),
    ]
    assert "by finance@alpha.test" in client.get("/o/alpha/payables/").content.decode()


def test_a_stale_page_pays_nothing(owed, tenant_a):
    jane_approved, *_ = owed
    token = f"{jane_approved.creator_id}|2026-10|USD"
    client = tenant_a.client(tenant_a.owner)
    response = client.post(
        "/o/alpha/payables/", {"line": [token], f"owed-{token}": "9.99"}, follow=True
    )
    assert "changed since the page was loaded" in response.content.decode()
    response = client.post("/o/alpha/payables/", {}, follow=True)
    assert "Tick at least one line" in response.content.decode()
    with tenant_scope(tenant_a.org):
        assert not PayoutBatch.objects.exists()
        assert not Conversion.objects.filter(status="paid").exists()


def test_only_finance_owners_and_admins(owed, tenant_a):
    assert tenant_a.client(tenant_a.manager).get("/o/alpha/payables/").status_code == 403
    assert tenant_a.client(tenant_a.manager).get("/o/alpha/payables/csv/").status_code == 403


def test_payables_query_count_is_constant(owed, tenant_a, world_a):
    client = tenant_a.client(tenant_a.owner)
    client.get("/o/alpha/payables/")
    with CaptureQueriesContext(connection) as before:
        client.get("/o/alpha/payables/")
    for day in range(1, 20):
        ConversionFactory(
            campaign_creator=world_a.ccs[1],
            date=date(2026, 8, day),
            currency="USD",
            commission_rate=Decimal("10"),
            commission=Decimal("1"),
            settles_on=date(2026, 9, 1),
            status="payable",
        )
    with CaptureQueriesContext(connection) as after:
        client.get("/o/alpha/payables/")
    assert len(after.captured_queries) == len(before.captured_queries) <= 15
