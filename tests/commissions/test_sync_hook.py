"""The sync reaches the settle step only through the hook that commissions registers in its
AppConfig.ready(): attribution imports nothing above it."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from attribution.models import DailyMetric, Store, SyncRun
from attribution.signals import sync_applied
from attribution.sync.service import store_sync
from attribution.sync.windows import Window
from commissions.models import Conversion
from commissions.services import conversions_settle_after_sync
from tenancy.scoping import tenant_scope

ROOT = Path(__file__).resolve().parents[2]


def test_the_settle_step_is_subscribed_to_the_sync_hook():
    # the layers above subscribe by name: commissions settles, reporting memoizes rankings
    subscribed = {lookup_key[0] for lookup_key, *_ in sync_applied.receivers}
    assert subscribed == {"commissions.settle", "reporting.rankings_warm"}
    assert sync_applied.has_listeners(Store)
    assert sync_applied.disconnect(dispatch_uid="commissions.settle")  # it was connected
    try:
        assert all(key[0] != "commissions.settle" for key, *_ in sync_applied.receivers)
    finally:
        sync_applied.connect(conversions_settle_after_sync, dispatch_uid="commissions.settle")


def test_a_failing_subscriber_rolls_the_syncs_write_back(campaign, us_store, tenant_a):
    """The hook runs inside the sync's write transaction, as the direct call did: when a
    subscriber fails, no fact and no conversion of that sync is kept."""
    runs = []

    def failing(*, store, sync_run, **kwargs):
        runs.append(sync_run.pk)
        raise RuntimeError("settle failed")

    sync_applied.connect(failing, dispatch_uid="test.failing")
    try:
        with pytest.raises(RuntimeError, match="settle failed"):
            store_sync(
                organization_id=us_store.organization_id,
                store_id=us_store.pk,
                trigger=SyncRun.Trigger.COMMAND,
                owner="test-run",
                window=Window(date(2026, 10, 20), date(2026, 11, 4)),
                sleep=lambda seconds: None,
            )
    finally:
        sync_applied.disconnect(dispatch_uid="test.failing")
    assert len(runs) == 1
    with tenant_scope(tenant_a.org):
        assert not DailyMetric.objects.filter(store=us_store).exists()
        assert not Conversion.objects.exists()


def test_attribution_imports_nothing_above_it():
    above = {"commissions", "reporting", "campaigns", "creators", "api"}
    for path in (ROOT / "attribution").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in above, f"{path.relative_to(ROOT)} imports {name}"
