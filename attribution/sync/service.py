"""The sync of one store, start to finish.

1. Claim the store's lease (claim-by-update; expires, so a dead worker cannot block it; the
   redelivered task, carrying the same task id, takes its own lease back).
2. Pull every page of both report levels to a temporary file (no transaction held open).
3. In one transaction: replace the window's rows with the pull (attribution.sync.write),
   settle conversions, record the run. A pull that fails part-way writes nothing.

Each step opens its own tenant scope (a transaction), so progress is visible while it runs.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from attribution import amazon
from attribution.models import AmazonConnection, Store, SyncRun
from attribution.services import connection_record_error, store_ads_client, store_record_refusal
from attribution.sync.pull import PullStats, pull
from attribution.sync.write import apply_pull
from core.months import months_back
from tenancy.scoping import tenant_scope

log = logging.getLogger(__name__)

AMAZON_HISTORY_MONTHS = 13
MAX_CHUNK_DAYS = 90


class SyncBusy(Exception):
    """Another sync of this store holds the lease."""


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def store_today(store: Store, now: datetime | None = None) -> date:
    """Kept for callers outside attribution until they call `Store.today()` themselves."""
    return store.today(now)


def default_window(store: Store, now: datetime | None = None) -> Window:
    """The last `sync_window_days` complete days, ending yesterday in the store's zone."""
    end = store.latest_complete_day(now)
    return Window(end - timedelta(days=store.sync_window_days - 1), end)


def backfill_windows(store: Store, start: date, end: date) -> list[Window]:
    """[start, end] cut into chunks of at most 90 days; refused beyond Amazon's 13 months."""
    today = store.today()
    earliest = months_back(today, AMAZON_HISTORY_MONTHS)
    if end < start:
        raise ValueError("The end date is before the start date.")
    if start < earliest:
        raise ValueError(f"Amazon keeps 13 months: the earliest start is {earliest.isoformat()}.")
    if end >= today:
        raise ValueError(f"The end date must be before today ({today.isoformat()}, store time).")
    windows, cursor = [], start
    while cursor <= end:
        chunk_end = min(end, cursor + timedelta(days=MAX_CHUNK_DAYS - 1))
        windows.append(Window(cursor, chunk_end))
        cursor = chunk_end + timedelta(days=1)
    return windows


# --- lease ---------------------------------------------------------------------------------


def _claim(store_id: int, owner: str) -> bool:
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


def _release(store_id: int, owner: str) -> None:
    Store.objects.filter(pk=store_id, sync_lease_owner=owner).update(
        sync_lease_owner="", sync_lease_until=None
    )


# --- the sync ---------------------------------------------------------------------------------


def sync_run_start(
    *,
    organization_id: int,
    store_id: int,
    trigger: str,
    owner: str,
    window: Window | None = None,
) -> SyncRun | None:
    """Claim the store and open (or, for a redelivered task, reopen) its run. None when the
    store is gone."""
    with tenant_scope(organization_id):
        store = Store.objects.filter(pk=store_id).first()
        if store is None:
            return None
        window = window or default_window(store)
        if not _claim(store_id, owner):
            raise SyncBusy(f"A sync of {store} is already running.")
        run = SyncRun.objects.filter(
            store=store, task_id=owner, window_start=window.start, window_end=window.end
        ).first()
        if run is None:
            run = SyncRun(
                store=store,
                trigger=trigger,
                task_id=owner,
                window_start=window.start,
                window_end=window.end,
            )
        run.status, run.started_at, run.error = SyncRun.Status.RUNNING, timezone.now(), ""
        run.save()
        return run


def _finish(run: SyncRun, status: str, error: str = "", **counts: int) -> None:
    run.status, run.error, run.finished_at = status, error, timezone.now()
    for name, value in counts.items():
        setattr(run, name, value)
    run.save()


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
            _release(store_id, owner)


def _sync(run: SyncRun, sleep: Callable[[float], None]) -> SyncRun:
    org_id = run.organization_id
    with tenant_scope(org_id):
        store = Store.objects.select_related("connection").get(pk=run.store_id)
        connection = store.connection
        refusal = _refusal(store, connection)
        if refusal:
            status = (
                SyncRun.Status.INELIGIBLE
                if store.status == Store.Status.INELIGIBLE
                else SyncRun.Status.FAILED
            )
            _finish(run, status, refusal)
            return run
        ads = store_ads_client(store)
        previously_through = store.data_through

    def renew_lease() -> None:
        with tenant_scope(org_id):
            _claim(store.pk, run.task_id)

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
            _record_failure(run, store, exc, stats)
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
            _finish(
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


def _refusal(store: Store, connection: AmazonConnection) -> str:
    if store.status == Store.Status.INELIGIBLE:
        return store.status_message or "This store is not eligible for Amazon Attribution."
    if connection.status == AmazonConnection.Status.DISCONNECTED:
        return "Amazon Ads is disconnected. Reconnect it in Settings → Amazon Ads."
    if connection.status == AmazonConnection.Status.NEEDS_REAUTH:
        return (
            f"Amazon no longer accepts this connection ({connection.last_error}). "
            "Reconnect it in Settings → Amazon Ads."
        )
    return ""


def _record_failure(run: SyncRun, store: Store, exc: amazon.AmazonError, stats: PullStats) -> None:
    with tenant_scope(run.organization_id):
        if isinstance(exc, amazon.AmazonIneligible | amazon.AmazonProfileAccessError):
            # this store's profile only: the connection and its other stores carry on
            status = store_record_refusal(store=store, error=exc)
            _finish(run, status, exc.message, pages=stats.pages, retries=stats.retries)
            return
        if isinstance(exc, amazon.AmazonAuthError | amazon.AmazonConfigurationError):
            connection_record_error(connection=store.connection, error=exc)
        message = exc.message
        if isinstance(exc, amazon.AmazonRetryable):
            message = f"Amazon stayed unavailable after {stats.retries} retries: {exc.message}"
        _finish(run, SyncRun.Status.FAILED, message, pages=stats.pages, retries=stats.retries)


def _after_write(*, store: Store, run: SyncRun) -> None:
    """Everything derived from the facts, in the same transaction (conversions settle)."""
    from reporting.services import conversions_settle

    conversions_settle(store=store, sync_run=run)


# --- scheduling ---------------------------------------------------------------------------------


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
