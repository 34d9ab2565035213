"""Celery tasks: ids in, tenant scope set, one service call each."""

from __future__ import annotations

import uuid
from functools import partial

from celery import shared_task
from django.db import transaction

from attribution import amazon
from attribution.models import SyncRun
from attribution.sync.service import SyncBusy, store_sync, stores_due
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


@shared_task(name="attribution.sync_due_stores", ignore_result=True)
def sync_due_stores() -> int:
    """Hourly fan-out: one sync task per store whose cadence has elapsed."""
    queued = 0
    # The scheduler visits every tenant; row-level security shows it one at a time.
    for org_id in Organization.objects.values_list("pk", flat=True).order_by("pk"):
        with tenant_scope(org_id):
            for store in stores_due():
                transaction.on_commit(
                    partial(sync_store.delay, org_id, store.pk, SyncRun.Trigger.SCHEDULE)
                )
                queued += 1
    return queued


@shared_task(
    bind=True, name="attribution.sync_store", acks_late=True, max_retries=5, ignore_result=True
)
def sync_store(
    self,
    organization_id: int,
    store_id: int,  # type: ignore[no-untyped-def]
    trigger: str = SyncRun.Trigger.SCHEDULE,
) -> str:
    """Idempotent: a redelivered message (same task id) reclaims its own lease and rewrites
    the same window to the same result."""
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
