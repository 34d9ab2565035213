"""Celery tasks: ids in, tenant scope set, one service call each."""

from __future__ import annotations

import uuid

from celery import shared_task

from attribution import amazon
from attribution.models import SyncRun
from attribution.sync.lease import SyncBusy
from attribution.sync.runs import sync_runs_interrupt_expired
from attribution.sync.schedule import stores_due
from attribution.sync.service import store_sync
from tenancy.tasks import for_each_tenant, tenant_task


@shared_task(name="attribution.sync_due_stores", ignore_result=True)
def sync_due_stores() -> int:
    """Hourly fan-out: runs whose worker is gone are marked interrupted, then one sync task
    per store whose cadence has elapsed."""
    queued = 0
    for org_id in for_each_tenant():
        sync_runs_interrupt_expired()
        for store in stores_due():
            sync_store.delay_on_commit(org_id, store.pk, SyncRun.Trigger.SCHEDULE)
            queued += 1
    return queued


@tenant_task(name="attribution.sync_store", bind=True, atomic=False)
def sync_store(
    self,  # type: ignore[no-untyped-def]
    organization_id: int,
    store_id: int,
    trigger: str = SyncRun.Trigger.SCHEDULE,
) -> str:
    """Idempotent: a redelivered message (same task id) reclaims its own lease and rewrites
    the same window to the same result. The sync opens its own tenant scope per step (lease,
    pages, write), so the task is not one transaction."""
    owner = self.request.id or f"local-{uuid.uuid4()}"
    try:
        run = store_sync(
            organization_id=organization_id, store_id=store_id, trigger=trigger, owner=owner
        )
    except SyncBusy:
        return "busy"
    except amazon.AmazonRetryable as exc:
        raise self.retry(
            countdown=max(60, exc.wait_seconds(self.request.retries)), exc=exc
        ) from exc
    return run.status if run else "gone"
