"""The approval queue scales (issue 14): nothing owed and the campaign's rule settle without a
manager; bulk decisions take every conversion matching a filter, all or nothing, set-based."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign
from commissions.approvals import (
    SelectionChanged,
    auto_approve_reason,
    conversions_decide_matching,
    restated_within,
)
from commissions.models import Conversion
from commissions.selectors.conversions import (
    ConversionFilter,
    conversions_matching,
    conversions_selection_summary,
)
from commissions.services import conversions_advance
from tenancy.scoping import tenant_scope
from tests.factories import ConversionAdjustmentFactory
from tests.support.approvals import approval_queue, conversion

AWAITING = ConversionFilter(status="awaiting")
TODAY = date(2026, 12, 31)  # every conversion below is due


def restate(c: Conversion, *sales_deltas: str) -> None:
    """Amazon restated the day while it was pending: each change folded into the conversion
    (as conversions_settle does) and recorded as a restatement."""
    for delta in sales_deltas:
        ConversionAdjustmentFactory(
            conversion=c, kind="restatement", included=True, sales=Decimal(delta)
        )
        c.sales += Decimal(delta)
    Conversion.objects.filter(pk=c.pk).update(sales=c.sales)


def statuses(*conversions: Conversion) -> list[tuple[str, str, int | None]]:
    out: list[tuple[str, str, int | None]] = []
    for c in conversions:
        c.refresh_from_db()
        out.append((c.status, c.decision_reason, c.decided_by_id))
    return out


def test_nothing_owed_settles_without_a_manager(tenant_a, tenant_b):
    # Given due conversions of which some owe nothing (pending and already awaiting)
    q = approval_queue(tenant_a, jane_october=0)
    with tenant_scope(tenant_a.org):
        zero_pending = conversion(q.jane, date(2026, 11, 10), "0.00", "pending")
        zero_awaiting = conversion(q.jane, date(2026, 11, 11), "0.00", "awaiting")
        owing = conversion(q.jane, date(2026, 11, 12), "1.00", "pending")
        not_due = conversion(q.jane, date(2026, 12, 20), "0.00", "pending")
        # When the states advance
        conversions_advance(store=q.usd, today=TODAY)
        # Then those owing nothing are approved by nobody, saying why; the rest is queued
        reason = Conversion.NOTHING_OWED_REASON
        assert statuses(zero_pending, zero_awaiting, owing, not_due) == [
            ("approved", reason, None),
            ("approved", reason, None),
            ("awaiting", "", None),
            ("pending", "", None),
        ]
        assert Conversion.objects.nothing_owed().filter(status="awaiting").count() == 0


def test_nothing_owed_is_owed_defined_once(tenant_a):
    # a conversion with 0 commission but a top-up owed on top owes something: it is queued
    q = approval_queue(tenant_a, jane_october=0)
    with tenant_scope(tenant_a.org):
        c = conversion(q.jane, date(2026, 11, 10), "0.00", "pending")
        ConversionAdjustmentFactory(
            conversion=c, kind="top_up", included=False, commission=Decimal("1.00")
        )
        conversions_advance(store=q.usd, today=TODAY)
        assert statuses(c) == [("awaiting", "", None)]


def test_restated_share_is_measured_from_the_restatements(tenant_a):
    q = approval_queue(tenant_a, jane_october=0)
    with tenant_scope(tenant_a.org):
        days = iter(date(2026, 11, d) for d in range(1, 20))
        plain = conversion(q.omar, next(days), "10.00", "pending")  # sales 100, never restated
        small = conversion(q.omar, next(days), "10.00", "pending")
        restate(small, "-5.00")  # first 105, 5 restated: 4.8 %
        large = conversion(q.omar, next(days), "10.00", "pending")
        restate(large, "-20.00")  # first 120, 20 restated: 16.7 %
        churn = conversion(q.omar, next(days), "10.00", "pending")
        restate(churn, "+6.00", "-6.00")  # nets to 0 but 12 of 100 moved: 12 %
        from_nothing = conversion(q.omar, next(days), "1.00", "pending")
        restate(from_nothing, "10.00")  # first reported 0 sales
        qs = Conversion.objects.filter(campaign_creator=q.omar, status="pending")
        within = set(restated_within(qs, Decimal("10")).values_list("pk", flat=True))
        assert within == {plain.pk, small.pk}
        within = set(restated_within(qs, Decimal("12")).values_list("pk", flat=True))
        assert within == {plain.pk, small.pk, churn.pk}


def test_campaign_rule_approves_at_settlement_unless_restated_too_much(tenant_a):
    q = approval_queue(tenant_a, jane_october=0)
    with tenant_scope(tenant_a.org):
        Campaign.objects.filter(pk=q.spring.pk).update(
            auto_approve=True, auto_approve_max_restated_percent=Decimal("10.00")
        )
        calm = conversion(q.omar, date(2026, 11, 1), "10.00", "pending")
        restate(calm, "-5.00")
        restated = conversion(q.omar, date(2026, 11, 2), "10.00", "pending")
        restate(restated, "-20.00")
        tokyo = conversion(q.kenji, date(2026, 11, 1), "100", "pending")  # no rule there
        conversions_advance(store=q.usd, today=TODAY)
        conversions_advance(store=q.jpy, today=TODAY)
        assert statuses(calm, restated, tokyo) == [
            ("approved", auto_approve_reason(Decimal("10.00")), None),
            ("awaiting", "", None),
            ("awaiting", "", None),
        ]
        assert "at most 10 %" in auto_approve_reason(Decimal("10.00"))
        # the rule approves at settlement only: what already waited for a manager stays
        assert Conversion.objects.get(pk=q.awaiting[0].pk).status == "awaiting"


def test_bulk_approve_takes_every_conversion_matching_the_filter(tenant_a, tenant_b):
    q = approval_queue(tenant_a, jane_october=27)
    approval_queue(tenant_b)
    with tenant_scope(tenant_a.org):
        jane_october = ConversionFilter(
            status="awaiting", creator=q.jane.creator_id, month=date(2026, 10, 1)
        )
        seen = conversions_selection_summary(conversions_matching(filter=jane_october))
        assert (seen.count, seen.totals) == (27, {"USD": Decimal("54.00")})
        with CaptureQueriesContext(connection) as ctx:
            result = conversions_decide_matching(
                filter=jane_october, approve=True, reason="", user=tenant_a.manager, expected=seen
            )
        assert result.decided == 27 and result.summary == seen
        approved = Conversion.objects.filter(decided_by=tenant_a.manager)
        assert approved.count() == 27
        assert set(approved.values_list("status", "creator_id")) == {
            ("approved", q.jane.creator_id)
        }
        assert approved.filter(date__month=10).count() == 27
        # set-based: one lock (by pk) and one UPDATE for the batch, never a save per row
        sqls = [x["sql"] for x in ctx.captured_queries]
        assert len([s for s in sqls if "FOR UPDATE" in s]) == 1
        assert len([s for s in sqls if s.startswith("UPDATE")]) == 1
        # November's, Omar's and Kenji's still wait
        assert Conversion.objects.filter(status="awaiting").count() == 4
    with tenant_scope(tenant_b.org):  # the other tenant's queue is untouched
        assert Conversion.objects.filter(status="awaiting").count() == 8


def test_bulk_decision_is_refused_when_the_selection_changed(tenant_a):
    q = approval_queue(tenant_a)
    with tenant_scope(tenant_a.org):
        seen = conversions_selection_summary(conversions_matching(filter=AWAITING))
        # Amazon restates one of them meanwhile
        Conversion.objects.filter(pk=q.awaiting[0].pk).update(commission=Decimal("1.50"))
        with pytest.raises(SelectionChanged, match="Amazon restated") as exc:
            conversions_decide_matching(
                filter=AWAITING, approve=True, reason="", user=tenant_a.manager, expected=seen
            )
        assert exc.value.summary.totals["USD"] == seen.totals["USD"] - Decimal("0.50")
        # someone else approves one meanwhile
        Conversion.objects.filter(pk=q.awaiting[1].pk).update(status="approved")
        with pytest.raises(SelectionChanged, match="You selected 8 conversions, but 7 match"):
            conversions_decide_matching(
                filter=AWAITING, approve=True, reason="", user=tenant_a.manager, expected=seen
            )
        # ticked rows: the one decided elsewhere is named
        ids = [q.awaiting[1].pk, q.awaiting[2].pk]
        with pytest.raises(SelectionChanged, match=rf"#{ids[0]} is approved"):
            conversions_decide_matching(
                filter=AWAITING, approve=True, reason="", user=tenant_a.manager, ids=ids
            )
        assert Conversion.objects.filter(decided_by__isnull=False).count() == 0  # nothing changed


def test_bulk_deny_needs_a_reason_and_only_awaiting_is_decided(tenant_a):
    approval_queue(tenant_a)
    with tenant_scope(tenant_a.org):
        with pytest.raises(ValidationError, match="Say why"):
            conversions_decide_matching(
                filter=AWAITING, approve=False, reason="  ", user=tenant_a.manager
            )
        with pytest.raises(ValidationError, match="Only conversions awaiting approval"):
            conversions_decide_matching(
                filter=ConversionFilter(status="pending"),
                approve=True,
                reason="",
                user=tenant_a.manager,
            )
        result = conversions_decide_matching(
            filter=ConversionFilter(), approve=False, reason="Returns", user=tenant_a.manager
        )
        assert result.decided == 8
        assert set(
            Conversion.objects.filter(decided_by=tenant_a.manager).values_list(
                "status", "decision_reason"
            )
        ) == {("denied", "Returns")}
        assert Conversion.objects.filter(status="pending").count() == 1


def test_bulk_decision_in_batches(tenant_a, monkeypatch):
    import commissions.approvals as approvals

    monkeypatch.setattr(approvals, "BATCH_SIZE", 3)
    approval_queue(tenant_a)
    with tenant_scope(tenant_a.org), CaptureQueriesContext(connection) as ctx:
        result = conversions_decide_matching(
            filter=AWAITING, approve=True, reason="", user=tenant_a.manager
        )
    assert result.decided == 8
    assert len([x for x in ctx.captured_queries if x["sql"].startswith("UPDATE")]) == 3
    with tenant_scope(tenant_a.org):
        assert Conversion.objects.filter(status="awaiting").count() == 0


def test_selection_summary_totals_per_currency(tenant_a):
    approval_queue(tenant_a)
    with tenant_scope(tenant_a.org):
        summary = conversions_selection_summary(conversions_matching(filter=AWAITING))
        assert summary.count == 8
        assert summary.currencies == [("JPY", Decimal("300")), ("USD", Decimal("16.00"))]
        assert len(summary.version) == 32
        empty = conversions_selection_summary(
            conversions_matching(filter=ConversionFilter(month=date(2020, 1, 1)))
        )
        assert (empty.count, empty.totals, empty.version) == (0, {}, "")


def test_settled_conversion_created_late_is_settled_the_same_way(tenant_a):
    """A day first reported after its settlement date passes through the same gate."""
    q = approval_queue(tenant_a, jane_october=0)
    with tenant_scope(tenant_a.org):
        c = conversion(q.jane, date(2026, 9, 1), "0.00", "pending")
        assert c.settles_on < TODAY - timedelta(days=30)
        conversions_advance(store=q.usd, today=TODAY)
        assert statuses(c)[0][0] == "approved"
