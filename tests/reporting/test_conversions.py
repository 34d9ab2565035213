"""Conversions settle like money: derived from Amazon's ad-group rows, adjusted by
restatements while pending, clawed back or topped up after approval, always reconciling."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from attribution.models import DailyMetric, SyncRun
from attribution.sync.service import store_today
from campaigns.models import Campaign
from commissions.models import Conversion, ConversionAdjustment
from commissions.services import commission_for, conversions_advance, conversions_decide
from tenancy.scoping import tenant_scope
from tests.support.amazon import sandbox_control
from tests.support.sync import WINDOW, sync


def facts_by_creator_day(store) -> dict:
    rows = (
        DailyMetric.objects.filter(store=store, level="adgroup", amazon_campaign_id="spring")
        .values("amazon_adgroup_id", "date")
        .annotate(
            sales=Sum("sales"),
            purchases=Sum("purchases"),
            units=Sum("units_sold"),
            brb=Sum("brand_referral_bonus"),
        )
    )
    # a conversion exists for every creator-day with anything to pay or credit (BRB included)
    return {
        (r["amazon_adgroup_id"], r["date"]): r
        for r in rows
        if r["sales"] or r["purchases"] or r["units"] or r["brb"]
    }


def assert_reconciles(store) -> None:
    """Every conversion that is not denied owes exactly rate x Amazon's current sales."""
    facts = facts_by_creator_day(store)
    conversions = Conversion.objects.select_related("campaign_creator").filter(store=store)
    for c in conversions.owing().with_owed():
        row = facts.get((c.campaign_creator.amazon_adgroup_id, c.date))
        sales = row["sales"] if row else Decimal("0")
        assert c.owed == commission_for(sales, c.commission_rate, "USD"), (c.pk, c.status)
    seen = {(c.campaign_creator.amazon_adgroup_id, c.date) for c in conversions}
    assert set(facts) <= seen


def test_conversions_follow_the_ad_group_facts(campaign, us_store, tenant_a, tenant_b):
    sync(us_store)
    with tenant_scope(tenant_a.org):
        conversions = list(Conversion.objects.select_related("campaign_creator", "creator"))
        facts = facts_by_creator_day(us_store)
        assert conversions and len(conversions) == len(facts)
        for c in conversions:
            row = facts[(c.campaign_creator.amazon_adgroup_id, c.date)]
            rate = Decimal("12.50") if c.creator.name == "Jane" else Decimal("10.00")
            assert (c.sales, c.purchases, c.commission_rate) == (
                row["sales"],
                row["purchases"],
                rate,
            )
            assert c.commission == commission_for(row["sales"], rate, "USD")
            assert c.settles_on == c.date + timedelta(days=30)
            if store_today(us_store) < c.settles_on:
                expected = "pending"
            else:  # settled: nothing owed needs no manager
                expected = "approved" if c.commission == 0 else "awaiting"
            assert c.status == expected and c.currency == "USD"
        # unmatched ad groups ("summer"/"lee") are facts, not conversions
        assert DailyMetric.objects.filter(amazon_campaign_id="summer").exists()
        assert {c.creator.name for c in conversions} <= {"Jane", "Omar"}
        assert_reconciles(us_store)
    with tenant_scope(tenant_b.org):
        assert Conversion.objects.count() == 0


def test_brand_total_basis_uses_halo_sales(campaign, us_store, tenant_a):
    with tenant_scope(tenant_a.org):
        Campaign.objects.filter(pk=campaign.pk).update(commission_basis="total")
    sync(us_store)
    with tenant_scope(tenant_a.org):
        total = DailyMetric.objects.filter(level="adgroup", amazon_campaign_id="spring").aggregate(
            s=Sum("total_sales")
        )["s"]
        assert Conversion.objects.aggregate(s=Sum("sales"))["s"] == total


def test_restatements_adjust_pending_conversions(campaign, us_store, tenant_a, amazon_sandbox):
    sync(us_store)
    with tenant_scope(tenant_a.org):
        before = {c.pk: c.commission for c in Conversion.objects.all()}
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": "2026-12-05T12:00:00Z"})
    run = sync(us_store, owner="later")
    with tenant_scope(tenant_a.org):
        assert_reconciles(us_store)
        adjustments = ConversionAdjustment.objects.filter(sync_run=run)
        assert adjustments.exists()
        assert set(adjustments.values_list("kind", "included")) == {("restatement", True)}
        for adj in adjustments.select_related("conversion"):
            if adj.conversion_id in before:
                assert adj.conversion.commission - before[adj.conversion_id] == sum(
                    a.commission for a in adjustments if a.conversion_id == adj.conversion_id
                )


def test_after_approval_restatements_become_clawbacks_or_top_ups(
    campaign, us_store, tenant_a, amazon_sandbox
):
    with tenant_scope(tenant_a.org):
        Campaign.objects.filter(pk=campaign.pk).update(settlement_days=0)
    sync(us_store)
    with tenant_scope(tenant_a.org):
        ids = list(Conversion.objects.filter(status="awaiting").values_list("pk", flat=True))
        # settled at once; those with nothing owed need no manager
        assert set(Conversion.objects.exclude(pk__in=ids).values_list("commission", flat=True)) <= {
            Decimal("0.00")
        }
        result = conversions_decide(
            conversion_ids=ids, approve=True, reason="", user=tenant_a.manager
        )
        assert result.decided == len(ids) and result.skipped == {}
        approved = {c.pk: c.commission for c in Conversion.objects.all()}
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": "2026-12-05T12:00:00Z"})
    run = sync(us_store, owner="later")
    with tenant_scope(tenant_a.org):
        # approved amounts never change; the difference is owed (or clawed back) on top
        for c in Conversion.objects.filter(pk__in=ids):
            assert c.commission == approved[c.pk]
        kinds = set(
            ConversionAdjustment.objects.filter(sync_run=run).values_list("kind", "included")
        )
        assert kinds and kinds <= {("clawback", False), ("top_up", False)}
        assert_reconciles(us_store)


def test_decisions(campaign, us_store, tenant_a, tenant_b):
    sync(us_store)
    with tenant_scope(tenant_a.org):
        first = Conversion.objects.filter(status="pending").order_by("date").first()
        result = conversions_decide(
            conversion_ids=[first.pk], approve=True, reason="", user=tenant_a.manager
        )
        assert result.decided == 0
        assert result.skipped[first.pk].startswith("still pending until")
        Conversion.objects.filter(pk=first.pk).update(status="awaiting")
        with pytest.raises(Exception, match="Say why"):
            conversions_decide(
                conversion_ids=[first.pk], approve=False, reason=" ", user=tenant_a.manager
            )
        conversions_decide(
            conversion_ids=[first.pk], approve=False, reason="Self-purchase", user=tenant_a.manager
        )
        first.refresh_from_db()
        assert (first.status, first.decision_reason) == ("denied", "Self-purchase")
    with tenant_scope(tenant_b.org):  # another tenant cannot decide it
        result = conversions_decide(
            conversion_ids=[first.pk], approve=True, reason="", user=tenant_b.manager
        )
        assert result.skipped == {first.pk: "not found"}


def test_states_advance_with_time(campaign, us_store, tenant_a):
    sync(us_store)
    with tenant_scope(tenant_a.org):
        c = Conversion.objects.filter(status="pending", commission__gt=0).order_by("date").first()
        conversions_advance(store=us_store, today=c.settles_on - timedelta(days=1))
        c.refresh_from_db()
        assert c.status == "pending"
        conversions_advance(store=us_store, today=c.settles_on)
        c.refresh_from_db()
        assert c.status == "awaiting"
        conversions_decide(conversion_ids=[c.pk], approve=True, reason="", user=tenant_a.manager)
        conversions_advance(store=us_store, today=c.settles_on)
        c.refresh_from_db()
        assert c.status == "approved"  # approved this month: payable once the month closes
        Conversion.objects.filter(pk=c.pk).update(decided_at=timezone.now() - timedelta(days=40))
        conversions_advance(store=us_store, today=c.settles_on)
        c.refresh_from_db()
        assert c.status == "payable"


def test_conversions_page_bulk_approve(campaign, us_store, tenant_a, tenant_b):
    with tenant_scope(tenant_a.org):
        Campaign.objects.filter(pk=campaign.pk).update(settlement_days=0)
    sync(us_store)
    with tenant_scope(tenant_a.org):
        ids = list(Conversion.objects.filter(status="awaiting").values_list("pk", flat=True))
    manager = tenant_a.client(tenant_a.manager)
    page = manager.get("/o/alpha/conversions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Approve selected" in text and "Jane" in text
    r = manager.post(
        "/o/alpha/conversions/", {"conversion": ids[:2], "action": "approve"}, follow=True
    )
    assert f"{len(ids[:2])} conversion(s) approved ($" in r.content.decode()
    r = manager.post(
        "/o/alpha/conversions/", {"conversion": ids[2:3], "action": "deny"}, follow=True
    )
    assert "Say why the conversion is denied" in r.content.decode()
    # bravo's manager sees none of alpha's and cannot decide them
    other = tenant_b.client(tenant_b.manager)
    assert "Jane" not in other.get("/o/bravo/conversions/").content.decode()
    other.post("/o/bravo/conversions/", {"conversion": ids, "action": "approve"})
    with tenant_scope(tenant_a.org):
        assert Conversion.objects.filter(status="approved", decided_by__isnull=False).count() == 2


def test_conversions_page_query_count_is_constant(
    campaign, us_store, tenant_a, django_assert_max_num_queries
):
    sync(us_store)
    with tenant_scope(tenant_a.org):
        Conversion.objects.update(status="awaiting")
        assert Conversion.objects.count() > 3
    manager = tenant_a.client(tenant_a.manager)
    manager.get("/o/alpha/conversions/")  # warm the session
    # the filter's stores, campaigns and creators are one query each, the page's restatements one
    with django_assert_max_num_queries(18):
        assert manager.get("/o/alpha/conversions/").status_code == 200


def test_sync_page_shows_runs_and_changes(campaign, us_store, tenant_a, tenant_b, amazon_sandbox):
    sync(us_store)
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": "2026-12-05T12:00:00Z"})
    sync(us_store, owner="later")
    page = tenant_a.client().get("/o/alpha/sync/").content.decode()
    assert "Amazon data through" in page and "Recent syncs" in page
    assert "What Amazon changed" in page
    assert "Sync now" in page
    with tenant_scope(tenant_a.org):
        assert SyncRun.objects.count() == 2
    assert "Recent syncs" not in tenant_b.client().get("/o/bravo/sync/").content.decode()


def test_sync_now_is_rate_limited(us_store, tenant_a, tenant_b, django_capture_on_commit_callbacks):
    manager = tenant_a.client(tenant_a.manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = manager.post(f"/o/alpha/sync/{us_store.pk}/now/", follow=True)
        second = manager.post(f"/o/alpha/sync/{us_store.pk}/now/", follow=True)
    assert "started" in first.content.decode()
    assert "less than 15 minutes ago" in second.content.decode()
    assert len(callbacks) == 1
    assert WINDOW.days == 26
