"""The attribution sync against the sandbox over real HTTP: the stored rows equal Amazon's
report after any sequence of syncs, restatements, throttles and failures."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from attribution import amazon
from attribution.models import DailyMetric, MetricRevision, Store, SyncRun
from attribution.sync import pull as pull_module
from attribution.sync.lease import SyncBusy, lease_claim
from tenancy.scoping import tenant_scope
from tests.factories import DailyMetricFactory
from tests.support.amazon import sandbox_control
from tests.support.sync import WINDOW, Sleeps, amazon_rows, stored_rows, sync


def test_a_sync_stores_exactly_what_amazon_says(us_store, tenant_b):
    run = sync(us_store)
    assert run.status == "succeeded", run.error
    expected = amazon_rows(us_store)
    assert stored_rows(us_store) == expected
    assert run.rows_received == len(expected) == run.rows_inserted
    assert (run.rows_updated, run.rows_removed, run.pages) == (0, 0, 2)
    with tenant_scope(us_store.organization_id):
        levels = set(DailyMetric.objects.values_list("level", flat=True))
        store = Store.objects.get(pk=us_store.pk)
        brb = DailyMetric.objects.filter(level="adgroup", brand_referral_bonus__gt=0).count()
    assert levels == {"adgroup", "creative"}
    assert store.data_through == WINDOW.end and store.last_synced_at is not None
    assert brb > 0  # BRB only exists at ad-group level
    # money is Decimal, at the currency's minor unit
    with tenant_scope(us_store.organization_id):
        sale = DailyMetric.objects.filter(sales__gt=0).first()
    assert isinstance(sale.sales, Decimal) and sale.sales == sale.sales.quantize(Decimal("0.01"))
    # the other tenant stores nothing
    with tenant_scope(tenant_b.org):
        assert DailyMetric.objects.count() == 0


def test_a_second_sync_changes_nothing(us_store):
    sync(us_store)
    run = sync(us_store, owner="second")
    assert (run.rows_inserted, run.rows_updated, run.rows_removed) == (0, 0, 0)
    with tenant_scope(us_store.organization_id):
        assert MetricRevision.objects.count() == 0


def test_restatements_update_rows_and_keep_revisions(us_store, amazon_sandbox):
    sync(us_store)
    before = stored_rows(us_store)
    # three weeks later: late conversions arrived and returns restated earlier days
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": "2026-12-05T12:00:00Z"})
    run = sync(us_store, owner="later")
    after = stored_rows(us_store)
    assert after == amazon_rows(us_store)
    assert after != before
    assert run.rows_updated + run.rows_inserted + run.rows_removed > 0
    with tenant_scope(us_store.organization_id):
        revisions = list(MetricRevision.objects.filter(sync_run=run))
    assert revisions
    assert {r.kind for r in revisions} <= {"updated", "added", "removed"}
    for revision in revisions:
        for field, (old, new) in revision.changes.items():
            assert field in pull_module.METRIC_COLUMNS and old != new


def test_rows_amazon_no_longer_returns_are_removed(us_store):
    sync(us_store)
    DailyMetricFactory(
        store=us_store,
        date=date(2026, 10, 25),
        level="creative",
        amazon_campaign_id="gone",
        amazon_adgroup_id="gone",
        amazon_creative_id="gone",
        sales=Decimal("24.99"),
        purchases=1,
        clicks=12,
    )
    run = sync(us_store, owner="again")
    assert run.rows_removed == 1
    assert stored_rows(us_store) == amazon_rows(us_store)
    with tenant_scope(us_store.organization_id):
        revision = MetricRevision.objects.get(sync_run=run, kind="removed")
    assert revision.changes == {"sales": ["24.99", "0"], "purchases": [1, 0], "clicks": [12, 0]}


def test_a_pull_that_fails_part_way_changes_nothing(
    us_store, amazon_sandbox, monkeypatch, settings
):
    sync(us_store)
    before = stored_rows(us_store)
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": "2026-12-05T12:00:00Z"})
    monkeypatch.setattr(pull_module, "PAGE_SIZE", 20)
    settings.SYNC_MAX_RETRIES = 3
    # two pages in, Amazon starts failing for good (the first request of the pull is answered
    # 401, as the month on the sandbox's clock expired the access token, and sent again)
    sandbox_control(
        amazon_sandbox,
        "/sandbox/faults",
        {"fail": {"count": 50, "status": 503, "after": 1 + 2, "paths": ["/attribution/report"]}},
    )
    with pytest.raises(amazon.AmazonRetryable):
        sync(us_store, owner="doomed")
    assert stored_rows(us_store) == before
    with tenant_scope(us_store.organization_id):
        run = SyncRun.objects.get(task_id="doomed")
        store = Store.objects.get(pk=us_store.pk)
    assert run.status == "failed" and run.pages == 2 and run.retries == 4
    assert "Amazon stayed unavailable after 4 retries" in run.error
    assert store.sync_lease_owner == ""  # released for the next attempt


def test_throttling_waits_retry_after_then_completes(us_store, amazon_sandbox):
    sandbox_control(
        amazon_sandbox,
        "/sandbox/faults",
        {"throttle": {"count": 2, "retry_after": 3, "paths": ["/attribution/report"]}},
    )
    sleeps = Sleeps()
    run = sync(us_store, sleep=sleeps)
    assert run.status == "succeeded" and run.retries == 2
    assert sleeps == [3.0, 3.0]
    assert stored_rows(us_store) == amazon_rows(us_store)


def test_throttling_without_retry_after_backs_off_with_jitter(us_store, amazon_sandbox):
    sandbox_control(
        amazon_sandbox,
        "/sandbox/faults",
        {"throttle": {"count": 3, "retry_after": None, "paths": ["/attribution/report"]}},
    )
    sleeps = Sleeps()
    run = sync(us_store, sleep=sleeps)
    assert run.status == "succeeded" and run.retries == 3
    assert [s <= cap for s, cap in zip(sleeps, (4, 8, 16), strict=True)] == [True] * 3


def test_5xx_and_timeouts_are_retried(us_store, amazon_sandbox, settings):
    sandbox_control(
        amazon_sandbox,
        "/sandbox/faults",
        {"fail": {"count": 2, "status": 502, "paths": ["/attribution/report"]}},
    )
    run = sync(us_store)
    assert run.status == "succeeded" and run.retries == 2
    settings.AMAZON_HTTP_TIMEOUT = 0.5
    sandbox_control(
        amazon_sandbox,
        "/sandbox/faults",
        {"delay": {"count": 1, "seconds": 1.5, "paths": ["/attribution/report"]}},
    )
    run = sync(us_store, owner="timeouts")
    assert run.status == "succeeded" and run.retries == 1
    assert stored_rows(us_store) == amazon_rows(us_store)


def test_expired_token_is_refreshed_once(us_store, amazon_sandbox):
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"expire_tokens": True})
    run = sync(us_store)
    assert run.status == "succeeded" and run.retries == 0


def test_403_marks_the_store_ineligible_and_stops(us_store, amazon_sandbox):
    sandbox_control(
        amazon_sandbox, "/sandbox/faults", {"forbid_profiles": [str(us_store.profile_id)]}
    )
    run = sync(us_store)
    assert run.status == "ineligible" and run.retries == 0
    assert "not authorized to use Amazon Attribution" in run.error
    with tenant_scope(us_store.organization_id):
        store = Store.objects.get(pk=us_store.pk)
    assert store.status == "ineligible"
    requests_before = sandbox_control(amazon_sandbox, "/sandbox/reset", {})["requests"]
    again = sync(us_store, owner="again")
    assert again.status == "ineligible"
    after = sandbox_control(amazon_sandbox, "/sandbox/reset", {})["requests"]
    assert after.get("/attribution/report", 0) == requests_before.get("/attribution/report", 0)


def test_two_syncs_of_one_store_cannot_overlap(us_store):
    with tenant_scope(us_store.organization_id):
        assert lease_claim(us_store.pk, "worker-a")
    with pytest.raises(SyncBusy):
        sync(us_store, owner="worker-b")
    # the same task redelivered takes its lease back
    assert sync(us_store, owner="worker-a").status == "succeeded"


def test_an_expired_lease_does_not_block(us_store, settings):
    settings.SYNC_LEASE_SECONDS = -1
    with tenant_scope(us_store.organization_id):
        assert lease_claim(us_store.pk, "dead-worker")
    settings.SYNC_LEASE_SECONDS = 900
    assert sync(us_store, owner="new-worker").status == "succeeded"


def test_operator_command_syncs_and_summarises(us_store, tenant_a, tenant_b):
    out = io.StringIO()
    call_command(
        "sync_attribution",
        "alpha",
        "--store",
        str(us_store.pk),
        "--start",
        "2026-10-20",
        "--end",
        "2026-11-14",
        stdout=out,
    )
    text = out.getvalue()
    assert f"store #{us_store.pk}" in text and "succeeded" in text
    assert stored_rows(us_store) == amazon_rows(us_store)


def test_operator_command_backfills_in_90_day_chunks(us_store):
    out = io.StringIO()
    call_command(
        "sync_attribution",
        "alpha",
        "--store",
        str(us_store.pk),
        "--start",
        "2026-03-01",
        "--end",
        "2026-11-14",
        stdout=out,
    )
    with tenant_scope(us_store.organization_id):
        windows = list(
            SyncRun.objects.order_by("window_start").values_list("window_start", "window_end")
        )
    assert windows == [
        (date(2026, 3, 1), date(2026, 5, 29)),
        (date(2026, 5, 30), date(2026, 8, 27)),
        (date(2026, 8, 28), date(2026, 11, 14)),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "No organisation with slug 'nope'"),
        (["alpha", "--store", "999999"], "No store 999999 in alpha"),
        (["alpha", "--start", "2026-13-01"], "--start: use YYYY-MM-DD"),
        (["alpha", "--start", "2026-11-10", "--end", "2026-11-01"], "before the start date"),
        (["alpha", "--start", "2024-01-01", "--end", "2024-02-01"], "Amazon keeps 13 months"),
    ],
)
def test_operator_command_errors(us_store, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("sync_attribution", *args, stdout=io.StringIO())


def test_operator_command_fails_when_a_store_fails(us_store, amazon_sandbox):
    sandbox_control(
        amazon_sandbox, "/sandbox/faults", {"forbid_profiles": [str(us_store.profile_id)]}
    )
    with pytest.raises(CommandError, match="1 of 1 store"):
        call_command(
            "sync_attribution",
            "alpha",
            "--store",
            str(us_store.pk),
            "--start",
            "2026-10-20",
            "--end",
            "2026-11-14",
            stdout=io.StringIO(),
        )
