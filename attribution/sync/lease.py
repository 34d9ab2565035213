"""The lease that keeps two syncs of one store apart: claim-by-update on the store row, with
an expiry, so a dead worker cannot block the store for longer than SYNC_LEASE_SECONDS; the
redelivered task, carrying the same task id (the owner), takes its own lease back."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from attribution.models import Store


class SyncBusy(Exception):
    """Another sync of this store holds the lease."""


def lease_claim(store_id: int, owner: str) -> bool:
    """Take (or renew) the store's lease for `owner`. True when it is now owner's."""
    until = timezone.now() + timedelta(seconds=settings.SYNC_LEASE_SECONDS)
    claimed = (
        Store.objects.filter(pk=store_id)
        .filter(
            Q(sync_lease_until__isnull=True)
            | Q(sync_lease_until__lt=timezone.now())
            | Q(sync_lease_owner=owner)
        )
        .update(sync_lease_owner=owner, sync_lease_until=until)
    )
    return claimed == 1


def lease_release(store_id: int, owner: str) -> None:
    Store.objects.filter(pk=store_id, sync_lease_owner=owner).update(
        sync_lease_owner="", sync_lease_until=None
    )
