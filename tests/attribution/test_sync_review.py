"""Issue 13, item 5: a glitching report never destroys good data. A pull that would lower a
level's clicks or sales in the window by more than SYNC_HOLD_PERCENT is held, not applied;
a later pull that agrees with it (or is back to normal) applies normally (a manager applying
it from the sync page: test_sync_page.py). `"reports": null` fails the run cleanly. Against
the sandbox's `empty_report`, `null_report` and `null_ids` switches."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from attribution import amazon
from attribution.models import DailyMetric, MetricRevision, Store, SyncPage, SyncRun
from attribution.sync.schedule import stores_due
from tenancy.scoping import tenant_scope
from tests.support.amazon import sandbox_control
from tests.support.sync import WINDOW, amazon_rows, conversions, snapshot, stored_rows, sync


def test_an_empty_report_is_held_and_changes_no_stored_number(synced, amazon_sandbox):
    before = snapshot(synced)
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"empty_report": {"count": 2}})
    run = sync(synced, owner="empty")
    assert run.status == "held"
    assert snapshot(synced) == before  # facts, conversions, adjustments, freshness
    with tenant_scope(synced.organization_id):
        assert not MetricRevision.objects.filter(sync_run=run).exists()
        store = Store.objects.get(pk=synced.pk)
    assert store.sync_lease_owner == ""
    levels = run.review["levels"]
    stored = len(before[0])
    assert levels["adgroup"]["rows"][1:] == [0, levels["adgroup"]["rows"][0]]
    assert levels["adgroup"]["rows"][0] + levels["creative"]["rows"][0] == stored
    assert run.review["share"] == 20
    metrics = ("clicks", "sales", "total_sales")
    assert sorted(run.review["exceeding"]) == sorted(
        [[level, m] for level in ("adgroup", "creative") for m in metrics]
    )
    assert run.error.startswith("Held for review: this pull would lower more than 20% of the")
    assert "creator (ad group) clicks" in run.error and "(100% removed or reduced)" in run.error

    # the hourly fan-out waits a cadence before it asks Amazon again (however old the last
    # applied sync is)
    with tenant_scope(synced.organization_id):
        Store.objects.filter(pk=synced.pk).update(last_synced_at=timezone.now() - timedelta(days=3))
        assert synced.pk not in {s.pk for s in stores_due()}
        later = timezone.now() + timedelta(hours=store.sync_cadence_hours, minutes=1)
        assert synced.pk in {s.pk for s in stores_due(later)}

    # Amazon is back to normal: the next pull applies as usual, the held one is superseded
    after = sync(synced, owner="normal")
    assert after.status == "succeeded"
    assert stored_rows(synced) == amazon_rows(synced, WINDOW)
    with tenant_scope(synced.organization_id):
        run.refresh_from_db()
        assert not SyncPage.objects.exists()
    assert run.status == "superseded" and f"run #{after.pk}" in run.error


def test_two_empty_reports_in_a_row_are_not_a_confirmation(synced, amazon_sandbox):
    before = snapshot(synced)
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"empty_report": {"count": 4}})
    first = sync(synced, owner="empty-1")
    second = sync(synced, owner="empty-2")
    assert (first.status, second.status) == ("held", "held")
    with tenant_scope(synced.organization_id):
        first.refresh_from_db()
    assert first.status == "superseded"
    assert snapshot(synced) == before


def test_a_later_pull_that_agrees_with_a_held_one_applies(synced, amazon_sandbox, settings):
    """Real returns: with a 1% threshold Amazon's restatements are held once; the next pull
    reads the same days the same way, so the drop is real and applies normally."""
    settings.SYNC_HOLD_PERCENT = 1
    before = snapshot(synced)
    held = sync(synced, owner="restated")
    assert held.status == "held", held.error
    assert ["adgroup", "sales"] in held.review["exceeding"]
    assert snapshot(synced) == before
    confirmed = sync(synced, owner="again")
    assert confirmed.status == "succeeded"
    assert confirmed.notes == f"Confirms the change held in run #{held.pk}: applied."
    assert stored_rows(synced) == amazon_rows(synced, WINDOW)
    with tenant_scope(synced.organization_id):
        held.refresh_from_db()
    assert held.status == "superseded"
    assert conversions(synced) != before[1]  # commission follows Amazon's figures


def test_null_ids_moving_the_sales_away_from_their_links_are_held(synced, amazon_sandbox):
    before = snapshot(synced)
    # the CREATIVE report (one page) arrives with every creativeId null
    sandbox_control(
        amazon_sandbox, "/sandbox/faults", {"null_ids": {"count": 1, "field": "creativeId"}}
    )
    run = sync(synced, owner="null-ids")
    assert run.status == "held"
    assert [level for level, _ in run.review["exceeding"]] == ["creative"] * 3
    creative = run.review["levels"]["creative"]
    assert creative["clicks"][0] == creative["clicks"][1]  # the totals did not move...
    assert creative["clicks"][2] == creative["clicks"][0]  # ...but every link lost its own
    assert snapshot(synced) == before


def test_rows_with_null_ids_and_empty_metrics_are_stored_on_a_first_sync(us_store, amazon_sandbox):
    sandbox_control(
        amazon_sandbox,
        "/sandbox/faults",
        {
            "null_ids": {"count": 1, "field": "creativeId"},
            "bad_metric": {"count": 1, "metric": "attributedSales14d", "value": ""},
        },
    )
    run = sync(us_store)
    assert run.status == "succeeded", run.error
    with tenant_scope(us_store.organization_id):
        creatives = DailyMetric.objects.filter(level="creative")
        creative_ids = set(creatives.values_list("amazon_creative_id", flat=True))
        adgroup_sales = set(
            DailyMetric.objects.filter(level="adgroup").values_list("sales", flat=True)
        )
    assert creative_ids == {""}  # kept, unmatched: store totals still equal Amazon's
    assert adgroup_sales == {Decimal("0")}  # "" read as no sales


def test_a_null_report_is_asked_again_then_fails_the_run_cleanly(synced, amazon_sandbox, settings):
    before = snapshot(synced)
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"null_report": {"count": 1}})
    run = sync(synced, owner="one-null")
    assert run.status == "succeeded" and run.retries == 1
    assert stored_rows(synced) == amazon_rows(synced, WINDOW)

    before = snapshot(synced)
    settings.SYNC_MAX_RETRIES = 2
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"null_report": {"count": 10}})
    with pytest.raises(amazon.AmazonRetryable):
        sync(synced, owner="nulls")
    with tenant_scope(synced.organization_id):
        run = SyncRun.objects.get(task_id="nulls")
    assert run.status == "failed" and run.finished_at is not None
    assert 'Amazon sent a report page without its rows ("reports": null).' in run.error
    assert snapshot(synced) == before
