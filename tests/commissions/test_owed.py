"""What is owed is defined once (commissions.models) and every reader agrees with it on the
same rows: the dashboards, the export's SQL, the creator's CSV and the settle step."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from commissions.models import Conversion
from portal.exports import earnings_csv
from reporting.exports.query import export_query_build, export_rows
from reporting.selectors.overview import organization_overview
from reporting.selectors.performance import campaign_performance
from reporting.selectors.performance_tables import performance_table
from reporting.values import Period
from tenancy.scoping import tenant_scope
from tests.factories import ConversionAdjustmentFactory

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def ledger(world_a, world_b, tenant_a):
    """Alpha's world (awaiting, pending and approved conversions of Jane and Omar) with every
    kind of adjustment: a restatement folded in, a clawback and a top-up on top, and a denied
    conversion that still carries a clawback (owed nothing)."""
    c = world_a.conversions
    with tenant_scope(tenant_a.org):
        for conversion, kind, included, commission in (
            (c[0], "restatement", True, "5.00"),
            (c[2], "clawback", False, "-0.40"),
            (c[2], "top_up", False, "0.15"),
            (c[5], "top_up", False, "1.00"),
            (c[3], "clawback", False, "-1.00"),
        ):
            ConversionAdjustmentFactory(
                conversion=conversion, kind=kind, included=included, commission=commission
            )
        Conversion.objects.filter(pk=c[3].pk).update(status="denied")
    return world_a


def test_owed_is_the_commission_plus_the_adjustments_on_top(ledger, tenant_a):
    with tenant_scope(tenant_a.org):
        rows = Conversion.objects.with_owed().prefetch_related("adjustments")
        owed = {c.pk: c.owed for c in rows}
        for c in rows:
            on_top = sum((a.commission for a in c.adjustments.all() if a.is_on_top), Decimal(0))
            assert c.owed == c.commission + on_top == c.commission + c.owed_extra
        owing = set(Conversion.objects.owing().values_list("pk", flat=True))
        assert owing == {c.pk for c in rows if c.is_owing}
        total = Conversion.objects.owing().with_owed().aggregate(s=Sum("owed"))["s"]
    c = ledger.conversions
    assert owed[c[0].pk] == Decimal("2.00")  # the restatement is already in the commission
    assert owed[c[2].pk] == Decimal("1.75")
    assert owed[c[3].pk] == Decimal("1.00")  # denied: worth this, owed nothing
    assert c[3].pk not in owing
    # six conversions of 2.00, one denied; adjustments on top of the others: -0.25 and +1.00
    assert total == Decimal("5") * Decimal("2.00") - Decimal("0.25") + Decimal("1.00")


def test_the_export_sql_and_the_queryset_agree_on_the_same_rows(ledger, tenant_a):
    with tenant_scope(tenant_a.org):
        expected = {
            (r["date"], r["creator_id"]): r["owed"]
            for r in Conversion.objects.owing()
            .with_owed()
            .values("date", "creator_id")
            .annotate(owed=Sum("owed"))
        }
        q = export_query_build(
            start=OCTOBER.start, end=OCTOBER.end, store_ids=[ledger.store.pk], group_by="creator"
        )
        exported = {
            (row.date, row.key_id): row.values["commission"]
            for row in export_rows(q)
            if row.values["commission"]
        }
        by_day = export_query_build(start=OCTOBER.start, end=OCTOBER.end, group_by="day")
        day_total = sum((row.values["commission"] for row in export_rows(by_day)), Decimal(0))
    assert exported == expected
    assert day_total == sum(expected.values(), Decimal(0)) == Decimal("10.75")


def test_the_dashboards_show_what_the_queryset_owes(ledger, tenant_a):
    with tenant_scope(tenant_a.org):
        owed = (
            Conversion.objects.filter(date__range=(OCTOBER.start, OCTOBER.end))
            .owing()
            .with_owed()
            .aggregate(s=Sum("owed"))["s"]
        )
        overview = organization_overview(period=OCTOBER)
        performance = campaign_performance(
            campaign=ledger.campaign, period=OCTOBER, today=date(2026, 11, 5)
        )
        creators = performance_table(
            campaign=ledger.campaign, period=OCTOBER, name="creators", per_page=10_000
        )["rows"]
    (line,) = overview.campaigns
    assert line.totals.commission == performance.current.commission == owed == Decimal("10.75")
    assert sum((row.totals.commission for row in creators), Decimal(0)) == owed


def test_the_creators_csv_lines_add_up_to_what_is_owed(ledger, tenant_a):
    jane, omar = ledger.creators
    for creator in (jane, omar):
        chunks = earnings_csv(organization_id=tenant_a.org.pk, creator_id=creator.pk)
        text = b"".join(chunks).decode("utf-8-sig")
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        for row in csv.DictReader(io.StringIO(text)):
            amounts[row["sale_date"]] += Decimal(row["amount"])
        with tenant_scope(tenant_a.org):
            expected = {
                c.date.isoformat(): c.owed if c.is_owing else Decimal(0)
                for c in Conversion.objects.filter(creator=creator).with_owed()
            }
        assert amounts == expected
