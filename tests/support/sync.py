"""Running the attribution sync in tests, and comparing what we stored with what Amazon (the
sandbox) says."""

from __future__ import annotations

from datetime import date

from attribution.models import DailyMetric, Store, SyncRun
from attribution.services import ads_client
from attribution.sync import pull as pull_module
from attribution.sync.pull import row_values
from attribution.sync.service import store_sync
from attribution.sync.windows import Window
from commissions.models import Conversion
from tenancy.scoping import tenant_scope

WINDOW = Window(date(2026, 10, 20), date(2026, 11, 14))


class Sleeps(list):
    """A `sleep` that records how long it was asked to wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def sync(store: Store, owner: str = "test-run", window: Window = WINDOW, sleep=None) -> SyncRun:
    run = store_sync(
        organization_id=store.organization_id,
        store_id=store.pk,
        trigger=SyncRun.Trigger.COMMAND,
        owner=owner,
        window=window,
        sleep=Sleeps() if sleep is None else sleep,
    )
    assert run is not None
    return run


def amazon_rows(store: Store, window: Window = WINDOW) -> set[tuple]:
    """What Amazon says for the window, straight from the report, in our row shape."""
    rows = set()
    with tenant_scope(store.organization_id):
        ads = ads_client(Store.objects.select_related("connection").get(pk=store.pk).connection)
    for level in ("adgroup", "creative"):
        body = pull_module.report_body(level, window.start, window.end, store.advertiser_id)
        for page in ads.report_pages(store.profile_id, body):
            rows |= {tuple(str(v) for v in row_values(level, r, 2)) for r in page}
    return rows


def stored_rows(store: Store) -> set[tuple]:
    with tenant_scope(store.organization_id):
        qs = DailyMetric.objects.filter(store=store).values_list(*pull_module.COLUMNS)
        return {tuple(str(v) for v in row) for row in qs}


def conversions(store: Store) -> list[dict]:
    """Every conversion with its amounts and adjustments: what a creator is owed."""
    with tenant_scope(store.organization_id):
        return [
            {
                **c,
                "adjustments": list(
                    Conversion.objects.get(pk=c["id"]).adjustments.values_list(
                        "kind", "sales", "commission"
                    )
                ),
            }
            for c in Conversion.objects.filter(store=store).order_by("pk").values()
        ]


def metric_rows(store: Store) -> list[dict]:
    """DailyMetric rows as stored, every column (ids and update times included)."""
    with tenant_scope(store.organization_id):
        return list(DailyMetric.objects.filter(store=store).order_by("pk").values())


def snapshot(store: Store) -> tuple:
    with tenant_scope(store.organization_id):
        s = Store.objects.get(pk=store.pk)
    return metric_rows(store), conversions(store), s.data_through, s.last_synced_at
