"""The sync of one store, start to finish.

1. Claim the store's lease (attribution.sync.lease) and open its run (attribution.sync.runs);
   runs of the store whose worker is gone are marked interrupted.
2. Pull every page of both report levels into the run's checkpoint (attribution.sync.
   checkpoint: pages saved as they arrive, no transaction held open), continuing from the
   pages of an earlier attempt at the same days. Retries are per page, under the run's
   deadline (attribution.sync.pull).
3. Once both levels are complete, in one transaction: measure the pull against the stored
   rows and hold it for review when it would lower too much (attribution.sync.review), or
   replace the window's rows with it (attribution.sync.write), announce it
   (attribution.signals.sync_applied: conversions settle), record the run. A pull that
   fails, stops or is held changes no stored number.

Each step opens its own tenant scope (a transaction), so progress is visible while it runs.
"""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from attribution import amazon
from attribution.lock_objects import sync_run_lock
from attribution.models import Store, SyncRun
from attribution.services import store_ads_client
from attribution.signals import sync_applied
from attribution.sync.checkpoint import DatabaseCheckpoint, pages_delete, pages_write_to
from attribution.sync.lease import SyncBusy, lease_claim, lease_release
from attribution.sync.pull import Deadline, PullStats, pull
from attribution.sync.review import (
    Decision,
    decide,
    held_runs_supersede,
    review_record,
    review_summary,
)
from attribution.sync.runs import (
    sync_refusal,
    sync_run_finish,
    sync_run_record_failure,
    sync_run_record_unexpected,
    sync_run_start,
)
from attribution.sync.windows import Window
from attribution.sync.write import WriteStats, apply_pull
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
    deadline: Deadline | None = None,
) -> SyncRun | None:
    """Pull and write one window of one store. Returns the finished run (its status says how
    it went: succeeded, held, failed, ineligible); raises SyncBusy when another sync holds
    the store, and AmazonRetryable when the pull could not finish now (a page failed through
    its budget, or the run reached its deadline): the run is recorded, its pages are kept,
    and the next attempt resumes. Any other error is recorded on the run, then raised."""
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
        return _sync(run, sleep, deadline or Deadline(settings.SYNC_DEADLINE_SECONDS))
    except amazon.AmazonRetryable:
        raise
    except Exception as exc:
        sync_run_record_unexpected(run, exc)
        raise
    finally:
        with tenant_scope(organization_id):
            lease_release(store_id, owner)


def _sync(run: SyncRun, sleep: Callable[[float], None], deadline: Deadline) -> SyncRun:
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

    def renew_lease() -> None:
        with tenant_scope(org_id):
            lease_claim(store.pk, run.task_id)

    checkpoint = DatabaseCheckpoint(run)
    checkpoint.adopt()
    stats = PullStats()
    started = time.monotonic()
    try:
        pull(
            ads,
            profile_id=store.profile_id,
            advertiser_id=store.advertiser_id,
            currency=store.currency_code,
            start=run.window_start,
            end=run.window_end,
            checkpoint=checkpoint,
            stats=stats,
            deadline=deadline,
            sleep=sleep,
            on_page=renew_lease,
        )
    except amazon.AmazonError as exc:
        sync_run_record_failure(run, store, exc, stats)
        if isinstance(exc, amazon.AmazonRetryable):
            raise
        return run
    pulled = time.monotonic() - started
    counts = {
        "pages": stats.pages,
        "rows_received": stats.rows,
        "retries": stats.retries,
        "pages_resumed": stats.resumed,
    }
    with tenant_scope(org_id):
        store = Store.objects.get(pk=store.pk)
        written, decision = _apply(run, store, review=True)
        if written.held:
            assert written.impact is not None and decision is not None
            run.review = review_record(written.impact, decision.exceeding)
            run.notes = _notes(stats.notes)
            held_runs_supersede(run)
            sync_run_finish(run, SyncRun.Status.HELD, review_summary(run.review), **counts)
            log.warning("held %s %s..%s: %s", store, run.window_start, run.window_end, run.error)
            return run
        if decision is not None and decision.confirms is not None:
            stats.notes.append(f"Confirms the change held in run #{decision.confirms.pk}: applied.")
        _applied(run, store, written, notes=stats.notes, **counts)
    log.info(
        "synced %s %s..%s: %d pages (%d resumed), %d rows (+%d ~%d -%d), pull %.1fs",
        store,
        run.window_start,
        run.window_end,
        stats.pages,
        stats.resumed,
        stats.rows,
        written.inserted,
        written.updated,
        written.removed,
        pulled,
    )
    return run


def _apply(run: SyncRun, store: Store, *, review: bool) -> tuple[WriteStats, Decision | None]:
    """Write the run's pages over the window (in the caller's transaction), unless the
    review rule holds them. `review=False`: a person has decided, write whatever it does."""
    decision: Decision | None = None

    def accept(impact: Any) -> bool:
        nonlocal decision
        decision = decide(run, impact)
        return not decision.hold

    with tempfile.TemporaryFile("w+", newline="") as spool:
        pages_write_to(run, spool)
        spool.seek(0)
        written = apply_pull(
            organization_id=run.organization_id,
            store_id=store.pk,
            run_id=run.pk,
            start=run.window_start,
            end=run.window_end,
            rows_csv=spool,
            previously_synced_through=store.data_through,
            accept=accept if review else None,
        )
    return written, decision


def _applied(
    run: SyncRun, store: Store, written: WriteStats, *, notes: list[str], **counts: int
) -> None:
    """After a pull was written: derived data, freshness, the pages gone, the run done."""
    _after_write(store=store, run=run)
    store.last_synced_at = timezone.now()
    if store.data_through is None or run.window_end > store.data_through:
        store.data_through = run.window_end
    store.save(update_fields=["last_synced_at", "data_through"])
    held_runs_supersede(run)
    pages_delete(store_id=store.pk, runs=[run.pk])
    run.notes = _notes(notes)
    sync_run_finish(
        run,
        SyncRun.Status.SUCCEEDED,
        "",
        rows_inserted=written.inserted,
        rows_updated=written.updated,
        rows_removed=written.removed,
        **counts,
    )


def _notes(notes: list[str]) -> str:
    return " ".join(dict.fromkeys(n for n in notes if n))


class HeldRunGone(Exception):
    """The run is no longer held (applied, or superseded by a later pull)."""


def held_run_apply(*, run_id: int, user: Any) -> SyncRun:
    """A manager's decision: write a held pull as it is (tenant in scope). Raises SyncBusy
    while a sync of the store runs, HeldRunGone when the run is not (or no longer) held."""
    run = SyncRun.objects.filter(pk=run_id).first()
    if run is None or run.status != SyncRun.Status.HELD:
        raise HeldRunGone("This sync is no longer held for review.")
    owner = f"apply-{run.pk}-{uuid.uuid4().hex[:8]}"
    with tenant_scope(run.organization_id):
        if not lease_claim(run.store_id, owner):
            raise SyncBusy("A sync of this store is running; apply the held one after it ends.")
    try:
        with tenant_scope(run.organization_id):
            run = sync_run_lock(run_id=run.pk)
            if run.status != SyncRun.Status.HELD:
                raise HeldRunGone("This sync is no longer held for review.")
            store = Store.objects.get(pk=run.store_id)
            written, _ = _apply(run, store, review=False)
            run.applied_by, run.applied_at = user, timezone.now()
            who = getattr(user, "email", "") or "a manager"
            _applied(
                run,
                store,
                written,
                notes=[run.notes, f"Applied by {who} after review."],
                pages=run.pages,
                rows_received=run.rows_received,
                retries=run.retries,
                pages_resumed=run.pages_resumed,
            )
    finally:
        with tenant_scope(run.organization_id):
            lease_release(run.store_id, owner)
    log.info("applied held run %s of %s by %s", run.pk, store, user)
    return run


def _after_write(*, store: Store, run: SyncRun) -> None:
    """Everything derived from the facts, in the same transaction: the subscribers of
    `sync_applied` (conversions settle, commissions.apps)."""
    sync_applied.send(sender=Store, store=store, sync_run=run)
