"""SyncRun bookkeeping: open (or reopen) a store's run under its lease, finish it, record what
a failure means for the store and its connection, and mark runs whose worker is gone as
interrupted (no run stays "running" after its worker died)."""

from __future__ import annotations

import logging

from django.db.models import F, Q
from django.utils import timezone

from attribution import amazon
from attribution.models import AmazonConnection, Store, SyncRun
from attribution.services import connection_record_error, store_record_refusal
from attribution.sync.lease import SyncBusy, lease_claim
from attribution.sync.pull import PageFailed, PullStats, PullStopped
from attribution.sync.windows import Window, default_window
from tenancy.scoping import tenant_scope

log = logging.getLogger(__name__)

INTERRUPTED = (
    "The worker running this sync stopped before it finished (its lease expired). The pages "
    "it pulled are kept; the next sync of the same days resumes from them."
)


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
        # We hold the lease: any other run of the store still "running" lost its worker.
        sync_runs_interrupt_expired(store_id=store_id, keep_owner=owner)
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
        run.finished_at = None
        run.save()
        return run


def sync_runs_interrupt_expired(*, store_id: int | None = None, keep_owner: str = "") -> int:
    """Runs (of the tenant in scope, or of one store) still marked running whose store lease
    has expired or passed to another owner: their worker is gone. Marked interrupted."""
    now = timezone.now()
    runs = SyncRun.objects.filter(status__in=[SyncRun.Status.RUNNING, SyncRun.Status.QUEUED])
    if store_id is not None:
        runs = runs.filter(store_id=store_id)
    if keep_owner:
        runs = runs.exclude(task_id=keep_owner)
    else:
        runs = runs.filter(
            Q(store__sync_lease_until__isnull=True)
            | Q(store__sync_lease_until__lt=now)
            | ~Q(store__sync_lease_owner=F("task_id"))
        )
    return runs.update(status=SyncRun.Status.INTERRUPTED, finished_at=now, error=INTERRUPTED)


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
    counts = {
        "pages": stats.pages,
        "rows_received": stats.rows,
        "retries": stats.retries,
        "pages_resumed": stats.resumed,
    }
    with tenant_scope(run.organization_id):
        run.notes = " ".join(dict.fromkeys(stats.notes))
        if isinstance(exc, amazon.AmazonIneligible | amazon.AmazonProfileAccessError):
            # this store's profile only: the connection and its other stores carry on
            status = store_record_refusal(store=store, error=exc)
            sync_run_finish(run, status, exc.message, **counts)
            return
        if isinstance(exc, amazon.AmazonAuthError | amazon.AmazonConfigurationError):
            connection_record_error(connection=store.connection, error=exc)
        if isinstance(exc, PullStopped):
            sync_run_finish(run, SyncRun.Status.INTERRUPTED, exc.message, **counts)
            return
        message = exc.message
        if isinstance(exc, amazon.AmazonRetryable) and not isinstance(exc, PageFailed):
            message = f"Amazon stayed unavailable after {stats.retries} retries: {exc.message}"
        sync_run_finish(run, SyncRun.Status.FAILED, message, **counts)


def sync_run_record_unexpected(run: SyncRun, exc: BaseException) -> None:
    """An error nobody foresaw: the run ends failed with the error recorded (then the caller
    raises it on, for the worker's log). Its pages are kept for the next attempt."""
    try:
        with tenant_scope(run.organization_id):
            SyncRun.objects.filter(pk=run.pk).update(
                status=SyncRun.Status.FAILED,
                finished_at=timezone.now(),
                error=f"The sync failed unexpectedly: {exc.__class__.__name__}: {exc}"[:2000],
            )
    except Exception:  # the database itself may be what failed
        log.exception("could not record the failure of sync run %s", run.pk)
