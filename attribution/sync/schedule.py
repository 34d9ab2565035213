"""When stores sync: the hourly fan-out's "which stores are due", and "Sync now"."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from attribution.models import AmazonConnection, Store, SyncRun


def stores_due(now: datetime | None = None) -> list[Store]:
    """Stores of the tenant in scope whose cadence has elapsed and that can be synced."""
    now = now or timezone.now()
    stores = Store.objects.select_related("connection").filter(
        status=Store.Status.ACTIVE, connection__status=AmazonConnection.Status.ACTIVE
    )
    return [
        s
        for s in stores
        if s.last_synced_at is None
        or s.last_synced_at + timedelta(hours=s.sync_cadence_hours) <= now
    ]


def store_request_sync(*, store: Store, now: datetime | None = None) -> bool:
    """ "Sync now": at most once per 15 minutes per store. True when accepted."""
    now = now or timezone.now()
    accepted = (
        Store.objects.filter(pk=store.pk)
        .filter(
            Q(sync_requested_at__isnull=True)
            | Q(sync_requested_at__lte=now - timedelta(seconds=settings.SYNC_NOW_MIN_INTERVAL))
        )
        .update(sync_requested_at=now)
    )
    if accepted:
        from attribution.tasks import sync_store

        org_id, store_id = store.organization_id, store.pk
        sync_store.delay_on_commit(org_id, store_id, SyncRun.Trigger.MANUAL)
    return bool(accepted)
