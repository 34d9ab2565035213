"""The sync of one store, start to finish.

1. Claim the store's lease (attribution.sync.lease) and open its run (attribution.sync.runs).
2. Pull every page of both report levels to a temporary file (no transaction held open).
3. In one transaction: replace the window's rows with the pull (attribution.sync.write),
   announce it (attribution.signals.sync_applied: conversions settle), record the run. A pull
   that fails part-way writes nothing.

Each step opens its own tenant scope (a transaction), so progress is visible while it runs.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime

from django.utils import timezone

from attribution import amazon
from attribution.models import Store, SyncRun
from attribution.services import store_ads_client
from attribution.signals import sync_applied
from attribution.sync.lease import lease_claim, lease_release
from attribution.sync.pull import PullStats, pull
from attribution.sync.runs import (
    sync_refusal,
    sync_run_finish,
    sync_run_record_failure,
    sync_run_start,
)
from attribution.sync.windows import Window
from attribution.sync.write import apply_pull
from tenancy.scoping import tenant_scope

log = logging.getLogger(__name__)


def store_today(store: Store, now: datetime | None = None) -> date:
    """Kept for callers outside attribution until they call `Store.today()` themselves."""
    return store.today(now)


def store_sync(
    *,
    organization_id: int,
    store_id: int,
    trigger: str,
    owner: str,
    window: Window | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SyncRun | None:
    """Pull and write one window of one store. Returns the finished run (its status says how
    it went); raises SyncBusy when another sync holds the store, and AmazonRetryable when
    Amazon stayed unavailable through the retry budget (the run is recorded as failed)."""
    run = sync_run_start(
        organization_id=organization_id,
        store_id=store_id,
        trigger=trigger,
        owner=owner,
        window=window,
    )
    if run is None:
        return None
    try:
        return _sync(run, sleep)
    finally:
        with tenant_scope(organization_id):
            lease_release(store_id, owner)


def _sync(run: SyncRun, sleep: Callable[[float], None]) -> SyncRun:
    org_id = run.organization_id
    with tenant_scope(org_id):
        store = Store.objects.select_related("connection").get(pk=run.store_id)
        connection = store.connection
        refusal = sync_refusal(store, connection)
        if refusal:
            status = (
                SyncRun.Status.INELIGIBLE
                if store.status == Store.Status.INELIGIBLE
                else SyncRun.Status.FAILED
            )
            sync_run_finish(run, status, refusal)
            return run
        ads = store_ads_client(store)
        previously_through = store.data_through

    def renew_lease() -> None:
        with tenant_scope(org_id):
            lease_claim(store.pk, run.task_id)

    stats = PullStats()
    with tempfile.TemporaryFile("w+", newline="") as spool:
        started = time.monotonic()
        try:
            pull(
                ads,
                profile_id=store.profile_id,
                advertiser_id=store.advertiser_id,
                currency=store.currency_code,
                start=run.window_start,
                end=run.window_end,
                out=spool,
                stats=stats,
                sleep=sleep,
                on_page=renew_lease,
            )
        except amazon.AmazonError as exc:
            sync_run_record_failure(run, store, exc, stats)
            if isinstance(exc, amazon.AmazonRetryable):
                raise
            return run
        pulled = time.monotonic() - started
        spool.seek(0)
        with tenant_scope(org_id):
            written = apply_pull(
                organization_id=org_id,
                store_id=store.pk,
                run_id=run.pk,
                start=run.window_start,
                end=run.window_end,
                rows_csv=spool,
                previously_synced_through=previously_through,
            )
            _after_write(store=store, run=run)
            store.last_synced_at = timezone.now()
            if store.data_through is None or run.window_end > store.data_through:
                store.data_through = run.window_end
            store.save(update_fields=["last_synced_at", "data_through"])
            sync_run_finish(
                run,
                SyncRun.Status.SUCCEEDED,
                pages=stats.pages,
                rows_received=stats.rows,
                rows_inserted=written.inserted,
                rows_updated=written.updated,
                rows_removed=written.removed,
                retries=stats.retries,
            )
    log.info(
        "synced %s %s..%s: %d pages, %d rows (+%d ~%d -%d), pull %.1fs",
        store,
        run.window_start,
        run.window_end,
        stats.pages,
        stats.rows,
        written.inserted,
        written.updated,
        written.removed,
        pulled,
    )
    return run


def _after_write(*, store: Store, run: SyncRun) -> None:
    """Everything derived from the facts, in the same transaction: the subscribers of
    `sync_applied` (conversions settle, commissions.apps)."""
    sync_applied.send(sender=Store, store=store, sync_run=run)
