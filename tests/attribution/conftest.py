"""Fixtures of the sync tests: a store synced once, and a sync of it held for review."""

from __future__ import annotations

import pytest

from tests.support.amazon import sandbox_control
from tests.support.sync import conversions, metric_rows, sync

LATER = {"now": "2026-12-05T12:00:00Z"}  # a month on: late conversions, returns restated


@pytest.fixture
def synced(campaign, amazon_sandbox):
    """The campaign's store synced once, with conversions; the clock a month on."""
    store = campaign.store
    assert sync(store, owner="first").status == "succeeded"
    assert conversions(store) and metric_rows(store)
    sandbox_control(amazon_sandbox, "/sandbox/clock", LATER)
    return store


@pytest.fixture
def held(synced, amazon_sandbox):
    """A sync of `synced` held for review: Amazon answered both levels with no rows."""
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"empty_report": {"count": 2}})
    run = sync(synced, owner="empty")
    assert run.status == "held"
    return run
