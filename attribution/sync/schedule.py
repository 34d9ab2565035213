"""When stores sync: the hourly fan-out's "which stores are due", and "Sync now"."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from attribution.models import AmazonConnection, Store, SyncRun


def stores_due(now: datetime | None = None) -> list[Store]:
    """Stores of the tenant in scope whose cadence has elapsed and that can be synced. A pull
    held for review counts as the store's sync for its cadence: the pull that decides about
    it (confirms it, or finds Amazon back to normal) comes a cadence later, not within the
    hour, when a glitch on Amazon's side may well still be going on."""
    now = now or timezone.now()
    stores = Store.objects.select_related("connection").filter(
        status=Store.Status.ACTIVE, connection__status=AmazonConnection.Status.ACTIVE
    )
    held: dict[int, datetime] = {}
    for store_id, finished in SyncRun.objects.filter(
        status=SyncRun.Status.HELD, finished_at__isnull=False
    ).values_list("store_id", "finished_at"):
        held[store_id] = max(finished, held.get(store_id, finished))
    due = []
    for s in stores:
        cadence = timedelta(hours=s.sync_cadence_hours)
        last = max(filter(None, (s.last_synced_at, held.get(s.pk))), default=None)
        if last is None or last + cadence <= now:
            due.append(s)
    return due


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
