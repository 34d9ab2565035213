"""A report Amazon sends with a value that is not a finite number ("NaN", "Infinity": Python's
Decimal reads both) is unreadable: the run fails with a message naming the field, and nothing
of it is stored, neither facts nor conversions. Through the sandbox's `bad_metric` fault."""

from __future__ import annotations

import re

import pytest

from attribution.models import MetricRevision, Store, SyncRun
from commissions.models import Conversion
from tenancy.scoping import tenant_scope
from tests.support.amazon import sandbox_control
from tests.support.sync import WINDOW, amazon_rows, stored_rows, sync


def conversions(store: Store) -> list[dict]:
    with tenant_scope(store.organization_id):
        return list(Conversion.objects.filter(store=store).order_by("pk").values())


@pytest.mark.parametrize(
    ("metric", "value", "field"),
    [
        ("attributedSales14d", "NaN", "attributedSales14d (sales)"),
        ("attributedSales14d", "Infinity", "attributedSales14d (sales)"),
        ("brb_bonus_amount", "-Infinity", "brb_bonus_amount (brand_referral_bonus)"),
        ("Click-throughs", "Infinity", "Click-throughs (clicks)"),
    ],
)
def test_a_non_finite_metric_fails_the_run_and_stores_nothing(
    campaign, amazon_sandbox, metric, value, field
):
    store = campaign.store
    assert sync(store).status == "succeeded"
    facts, earned = stored_rows(store), conversions(store)
    assert facts and earned
    with tenant_scope(store.organization_id):
        synced = Store.objects.get(pk=store.pk)
    # a month later Amazon has more to say (late conversions, restatements)...
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": "2026-12-05T12:00:00Z"})
    # ...but one page carries a value that is no number
    sandbox_control(
        amazon_sandbox, "/sandbox/faults", {"bad_metric": {"metric": metric, "value": value}}
    )
    run = sync(store, owner="unreadable")
    assert run.status == SyncRun.Status.FAILED
    expected = "a count" if metric == "Click-throughs" else "an amount"
    assert re.fullmatch(
        rf"Amazon sent an unreadable report: {re.escape(repr(value))} as {re.escape(field)} "
        rf"on 2026-\d\d-\d\d, where {expected} was expected\.",
        run.error,
    ), run.error
    assert run.finished_at is not None and run.retries == 0
    assert stored_rows(store) == facts
    assert conversions(store) == earned
    with tenant_scope(store.organization_id):
        after = Store.objects.get(pk=store.pk)
        assert not MetricRevision.objects.filter(sync_run=run).exists()
    assert (after.last_synced_at, after.data_through, after.sync_lease_owner) == (
        synced.last_synced_at,
        synced.data_through,
        "",
    )
    # the fault was the only difference: the next sync stores Amazon's new figures
    assert sync(store, owner="next").status == "succeeded"
    assert stored_rows(store) == amazon_rows(store, WINDOW) != facts
