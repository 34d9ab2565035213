"""SyncRun bookkeeping: open (or reopen) a store's run under its lease, finish it, and record
what a failure means for the store and its connection."""

from __future__ import annotations

from django.utils import timezone

from attribution import amazon
from attribution.models import AmazonConnection, Store, SyncRun
from attribution.services import connection_record_error, store_record_refusal
from attribution.sync.lease import SyncBusy, lease_claim
from attribution.sync.pull import PullStats
from attribution.sync.windows import Window, default_window
from tenancy.scoping import tenant_scope


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
        if not lease_claim(store_id, owner):
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


def sync_run_finish(run: SyncRun, status: str, error: str = "", **counts: int) -> None:
    run.status, run.error, run.finished_at = status, error, timezone.now()
    for name, value in counts.items():
        setattr(run, name, value)
    run.save()


def sync_refusal(store: Store, connection: AmazonConnection) -> str:
    """Why this store cannot sync now ('' when it can)."""
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


def sync_run_record_failure(
    run: SyncRun, store: Store, exc: amazon.AmazonError, stats: PullStats
) -> None:
    with tenant_scope(run.organization_id):
        if isinstance(exc, amazon.AmazonIneligible | amazon.AmazonProfileAccessError):
            # this store's profile only: the connection and its other stores carry on
            status = store_record_refusal(store=store, error=exc)
            sync_run_finish(run, status, exc.message, pages=stats.pages, retries=stats.retries)
            return
        if isinstance(exc, amazon.AmazonAuthError | amazon.AmazonConfigurationError):
            connection_record_error(connection=store.connection, error=exc)
        message = exc.message
        if isinstance(exc, amazon.AmazonRetryable):
            message = f"Amazon stayed unavailable after {stats.retries} retries: {exc.message}"
        sync_run_finish(
            run, SyncRun.Status.FAILED, message, pages=stats.pages, retries=stats.retries
        )
