"""The ledger's row locks are taken in one order (commissions.lock_objects)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissions.models import Conversion
from commissions.payouts import payout_run_create, payout_run_pay
from commissions.services import conversions_decide
from tenancy.scoping import tenant_scope
from tests.factories import ConversionAdjustmentFactory
from tests.support.payouts import paypal


def _locking(queries: list[dict]) -> list[str]:
    return [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]


def _locked_by_pk(sql: str, table: str) -> bool:
    """The rows of `table` are locked in primary-key order (`1` when the id is selected
    first), and by nothing else."""
    match = re.search(r"ORDER BY (.*?) FOR UPDATE", sql)
    assert match, sql
    order = match.group(1)
    pk = f'"{table}"."id"'
    return order == f"{pk} ASC" or (order == "1 ASC" and sql.startswith(f"SELECT {pk}"))


def test_decisions_lock_conversions_in_primary_key_order(world_a, tenant_a):
    # Given conversions of several days awaiting a decision
    c = world_a.conversions
    ids = [c[3].pk, c[0].pk, c[4].pk, c[1].pk]
    with tenant_scope(tenant_a.org), CaptureQueriesContext(connection) as ctx:
        # When a manager decides them at once
        result = conversions_decide(
            conversion_ids=ids, approve=True, reason="", user=tenant_a.manager
        )
    # Then the rows were locked by primary key (never by date: every locker agrees)
    (sql,) = _locking(ctx.captured_queries)
    assert _locked_by_pk(sql, "reporting_conversion"), sql
    # and the outcome reads as before: newest day first, then by id
    assert result.decided == 2
    assert list(result.skipped) == [c[1].pk, c[4].pk]


def test_payouts_lock_conversions_then_adjustments_in_primary_key_order(world_a, tenant_a):
    c = world_a.conversions
    paypal(world_a.creators[1])
    with tenant_scope(tenant_a.org):
        Conversion.objects.filter(pk=c[5].pk).update(status="payable")
        for _ in range(2):
            ConversionAdjustmentFactory(
                conversion=c[5], kind="clawback", included=False, commission=Decimal("-0.10")
            )
        with CaptureQueriesContext(connection) as ctx:
            run = payout_run_create(organization=tenant_a.org, user=tenant_a.owner)
        conversions, adjustments = _locking(ctx.captured_queries)
        assert _locked_by_pk(conversions, "reporting_conversion"), conversions
        assert _locked_by_pk(adjustments, "reporting_conversionadjustment"), adjustments
        assert 'FOR UPDATE OF "reporting_conversionadjustment"' in adjustments
        with CaptureQueriesContext(connection) as ctx:
            payout_run_pay(run_id=run.pk, user=tenant_a.owner)
    run_lock, conversions, adjustments = _locking(ctx.captured_queries)
    assert '"commissions_payoutrun"' in run_lock.split("FROM")[1]
    assert _locked_by_pk(conversions, "reporting_conversion"), conversions
    assert _locked_by_pk(adjustments, "reporting_conversionadjustment"), adjustments
