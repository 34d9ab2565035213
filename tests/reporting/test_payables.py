"""Payables: what each creator is owed per month and currency, with adjustments. Payout runs
pay them (tests/reporting/test_payout_pages.py)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ConversionFactory
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
    assert "Omar" in page and "$1.60" in page and "Pay in a payout run" in page
    # a line is never marked paid on its own any more (no minimum, no carry, no file)
    assert tenant_a.client(tenant_a.owner).post("/o/alpha/payables/", {}).status_code == 405


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
    assert len(after.captured_queries) == len(before.captured_queries) <= 16
