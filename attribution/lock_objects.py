"""Row locks of the Amazon side, in one place and one order (Saleor's `lock_objects.py`).

A transaction that needs several takes them in this order, each set by ascending primary key:
1. connections (`connections_lock`): re-encrypting refresh tokens;
2. the store (`store_lock`): changing what the store asks Amazon for (dropped metrics);
3. a sync run (`sync_run_lock`): applying a held run.

Two syncs of one store are kept apart by the lease (attribution/sync/lease.py: a claim by
UPDATE with an expiry), not by a row lock: a sync spans many transactions.
Each function must be called inside `transaction.atomic()` (a `tenant_scope`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from attribution.models import AmazonConnection, Store, SyncRun


def connections_lock(qs: QuerySet[AmazonConnection]) -> list[AmazonConnection]:
    return list(qs.select_for_update().order_by("pk"))


def store_lock(*, store_id: int) -> Store | None:
    return Store.objects.select_for_update().filter(pk=store_id).first()


def sync_run_lock(*, run_id: int) -> SyncRun:
    return SyncRun.objects.select_for_update().get(pk=run_id)
