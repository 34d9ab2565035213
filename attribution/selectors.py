"""Reads about Amazon connections, stores, their syncs and what Amazon changed (tenant in
scope). `*_get` answer 404 for a bad id, a missing row and another tenant's alike
(tenancy.access)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from attribution.models import AmazonConnection, MetricRevision, Store, SyncPage, SyncRun
from attribution.sync.review import LABELS, LEVEL_LABELS
from tenancy.access import access_by_id

RECENT_RUNS = 10
RECENT_REVISIONS = 20


def connections_list() -> QuerySet[AmazonConnection]:
    """The organisation's Amazon Ads connections, oldest first, with their stores."""
    return AmazonConnection.objects.prefetch_related("stores").order_by("created_at")


def connection_get(*, connection_id: object) -> AmazonConnection:
    return access_by_id(AmazonConnection, connection_id)


def stores_all() -> QuerySet[Store]:
    return Store.objects.all()


def store_get(*, store_id: object) -> Store:
    return access_by_id(Store, store_id)


def stores_by_id(*, store_ids: Iterable[int]) -> dict[int, Store]:
    return {store.pk: store for store in Store.objects.filter(pk__in=store_ids)}


def stores_latest_complete_day(*, store_ids: list[str] | None = None) -> date:
    """The latest day that has ended in every one of these stores (every store of the
    organisation when none is named): where a page's default range ends (see Store)."""
    stores = Store.objects.all()
    if store_ids:
        stores = stores.filter(pk__in=store_ids)
    return Store.latest_complete_day_of(stores.only("timezone"))


def sync_runs_all() -> QuerySet[SyncRun]:
    return SyncRun.objects.all()


def sync_run_get(*, sync_run_id: object) -> SyncRun:
    """A sync run with its store."""
    return access_by_id(SyncRun.objects.select_related("store"), sync_run_id)


@dataclass(frozen=True)
class HeldChange:
    """One figure a held pull would change: totals of the window at one level."""

    level: str
    metric: str
    before: Decimal
    after: Decimal
    lost: Decimal  # removed or reduced, summed over rows
    money: bool
    over: bool  # beyond the share that holds a pull

    @property
    def percent(self) -> int:
        """The share removed or reduced, in whole percent."""
        return round(self.lost / self.before * 100) if self.before else 0


def held_changes(run: SyncRun) -> list[HeldChange]:
    """What a held run would change, level by level (from `SyncRun.review`)."""
    review = run.review or {}
    over = {tuple(pair) for pair in review.get("exceeding", [])}
    changes = []
    for level, figures in sorted(review.get("levels", {}).items()):
        for metric, label in LABELS.items():
            before, after, lost = (Decimal(v) for v in figures[metric])
            changes.append(
                HeldChange(
                    LEVEL_LABELS.get(level, level),
                    label,
                    before,
                    after,
                    lost,
                    metric != "clicks",
                    (level, metric) in over,
                )
            )
        rows_before, rows_after, removed = figures["rows"]
        changes.append(
            HeldChange(
                LEVEL_LABELS.get(level, level),
                "rows",
                Decimal(rows_before),
                Decimal(rows_after),
                Decimal(removed),
                False,
                False,
            )
        )
    return changes


def run_shown_status(run: SyncRun, store: Store, now: datetime | None = None) -> str:
    """The run's status as the sync page shows it: a run still marked running whose lease
    has expired (or passed to another owner) lost its worker, so it is interrupted."""
    now = now or timezone.now()
    if run.status in (SyncRun.Status.RUNNING, SyncRun.Status.QUEUED):
        alive = (
            store.sync_lease_owner == run.task_id
            and store.sync_lease_until is not None
            and store.sync_lease_until > now
        )
        if not alive:
            return SyncRun.Status.INTERRUPTED
    return str(run.status)


@dataclass
class StoreSync:
    store: Store
    runs: list[SyncRun] = field(default_factory=list)
    revisions: list[MetricRevision] = field(default_factory=list)
    held: SyncRun | None = None  # the newest run held for review, if any
    held_changes: list[HeldChange] = field(default_factory=list)
    # "Sync now" was accepted and no worker has started the run yet
    waiting: bool = False
    # the running run's pages and rows so far, from its checkpoint (attribution.sync.checkpoint)
    pages_so_far: int = 0
    rows_so_far: int = 0

    @property
    def in_progress(self) -> bool:
        """A run is under way (or asked for): the sync page keeps itself up to date."""
        return self.waiting or self.state == "syncing"

    @property
    def just_finished(self) -> SyncRun | None:
        """The last run, when it ended in the last SYNC_NOW_MIN_INTERVAL: its result is shown
        where the progress was."""
        run = self.last_run
        if run is None or run.finished_at is None or self.in_progress:
            return None
        recent = timezone.now() - timedelta(seconds=settings.SYNC_NOW_MIN_INTERVAL)
        return run if run.finished_at >= recent else None

    @property
    def last_run(self) -> SyncRun | None:
        return self.runs[0] if self.runs else None

    @property
    def dropped_metrics(self) -> list[dict[str, Any]]:
        """The metrics Amazon refused for this store, named in our words: what shows as 0."""
        from attribution.sync.pull import METRICS

        out = []
        for entry in self.store.dropped_metrics or []:
            metric = str(entry.get("metric", ""))
            column = METRICS.get(metric, (metric, False))[0]
            out.append(
                {
                    "metric": metric,
                    "label": MetricRevision.LABELS.get(column, metric),
                    "dropped_at": parse_datetime(str(entry.get("dropped_at", ""))),
                    "message": str(entry.get("message", "")),
                }
            )
        return out

    @property
    def state(self) -> str:
        """never, syncing, interrupted, held, ok or failed (the store's own status aside)."""
        run = self.last_run
        if run is None:
            return "never"
        shown = getattr(run, "shown_status", run.status)
        if shown in ("running", "queued"):
            return "syncing"
        if self.held is not None:
            return "held"
        if shown == "succeeded":
            return "ok"
        if shown == "interrupted":
            return "interrupted"
        return "failed"

    @property
    def next_due(self) -> datetime | None:
        if self.store.last_synced_at is None:
            return None
        return self.store.last_synced_at + timedelta(hours=self.store.sync_cadence_hours)


def _latest_per_store(model: Any, limit: int) -> list:
    """The `limit` newest rows of each store, in one query."""
    ranked = model.objects.annotate(
        rank=Window(RowNumber(), partition_by=[F("store_id")], order_by=F("created_at").desc())
    )
    return list(ranked.filter(rank__lte=limit).order_by("store_id", "rank"))


def _progress(overview: dict[int, StoreSync], now: datetime) -> None:
    """Which stores wait for a worker after "Sync now", and the pages and rows each running
    run has checkpointed so far (one query, only while a run is under way)."""
    recent = now - timedelta(seconds=settings.SYNC_NOW_MIN_INTERVAL)
    running: dict[int, StoreSync] = {}
    for entry in overview.values():
        requested = entry.store.sync_requested_at
        last = entry.last_run
        if requested is not None and requested >= recent:
            entry.waiting = last is None or last.created_at < requested
        if last is not None and getattr(last, "shown_status", "") in ("queued", "running"):
            running[last.pk] = entry
    if not running:
        return
    for row in (
        SyncPage.objects.filter(sync_run_id__in=running)
        .values("sync_run_id")
        .annotate(pages=Count("pk"), rows=Sum("row_count"))
    ):
        entry = running[row["sync_run_id"]]
        entry.pages_so_far, entry.rows_so_far = row["pages"], row["rows"] or 0


def store_sync_overview() -> list[StoreSync]:
    """Stores of the tenant in scope with their recent runs, revisions and the run held for
    review, and the progress of a run under way (four queries, five while one runs)."""
    overview = {
        s.pk: StoreSync(s)
        for s in Store.objects.select_related("connection").order_by("country_code", "pk")
    }
    now = timezone.now()
    for run in _latest_per_store(SyncRun, RECENT_RUNS):
        entry = overview[run.store_id]
        run.shown_status = run_shown_status(run, entry.store, now)  # type: ignore[attr-defined]
        run.shown_status_display = SyncRun.Status(run.shown_status).label  # type: ignore[attr-defined]
        entry.runs.append(run)
    _progress(overview, now)
    for revision in _latest_per_store(MetricRevision, RECENT_REVISIONS):
        overview[revision.store_id].revisions.append(revision)
    for run in SyncRun.objects.filter(status=SyncRun.Status.HELD).order_by("created_at"):
        entry = overview[run.store_id]
        entry.held, entry.held_changes = run, held_changes(run)
    return list(overview.values())
