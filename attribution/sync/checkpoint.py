"""Where a pull's pages wait until the window is complete: the database (SyncPage rows), page
by page as they arrive, each in its own transaction.

Why the database and not a spool directory: every worker on every machine sees it (a task
redelivered after its worker died usually lands on another one), it needs no shared volume,
it is tenant-scoped with row-level security like the facts themselves, and a page and its
cursor are saved together or not at all. Pages are text (CSV of the parsed rows), so 200,000
rows cost tens of megabytes for the minutes they live; applying streams them back out.

A run resumes its own pages (the same task retried or redelivered) and adopts those of an
earlier attempt at the same days that stopped part-way (failed or interrupted), when they are
younger than RESUME_MAX_AGE: older pages are dropped, because Amazon's figures (and perhaps
its cursors) will have moved on. A held pull keeps its pages for the manager who applies it;
they are never adopted, since a later pull must be an independent second reading."""

from __future__ import annotations

from datetime import timedelta
from typing import IO

from django.db.models import Count, Q, Sum
from django.utils import timezone

from attribution.models import SyncPage, SyncRun
from attribution.sync.pull import LevelProgress
from tenancy.scoping import tenant_scope

RESUME_MAX_AGE = timedelta(hours=6)
# Pages of these runs may be continued by a later attempt at the same days.
RESUMABLE = (SyncRun.Status.FAILED, SyncRun.Status.INTERRUPTED, SyncRun.Status.RUNNING)


class DatabaseCheckpoint:
    """The pages of one run's pull (attribution.sync.pull.Checkpoint)."""

    def __init__(self, run: SyncRun) -> None:
        self.run = run
        self.organization_id = run.organization_id

    def adopt(self) -> int:
        """Continue from the newest earlier attempt at the same days (unless this run has
        pages of its own: then it is that attempt), drop the other attempts' pages and the
        store's stale ones; the number of pages this run now starts with."""
        run = self.run
        with tenant_scope(self.organization_id):
            stale = timezone.now() - RESUME_MAX_AGE
            SyncPage.objects.filter(store_id=run.store_id, created_at__lt=stale).exclude(
                sync_run__status=SyncRun.Status.HELD
            ).delete()
            same_days = SyncPage.objects.filter(
                store_id=run.store_id,
                sync_run__window_start=run.window_start,
                sync_run__window_end=run.window_end,
                sync_run__status__in=RESUMABLE,
            ).exclude(sync_run=run)
            if not SyncPage.objects.filter(sync_run=run).exists():
                newest = same_days.order_by("-sync_run__created_at").values("sync_run").first()
                if newest is not None:
                    same_days.filter(sync_run_id=newest["sync_run"]).update(sync_run=run)
            same_days.delete()
            return SyncPage.objects.filter(sync_run=run).count()

    def progress(self, level: str, request_key: str) -> LevelProgress:
        """The level's next page; pages of a different request (other metrics, advertiser)
        or with a gap are dropped and the level starts over."""
        with tenant_scope(self.organization_id):
            pages = list(
                SyncPage.objects.filter(sync_run=self.run, level=level)
                .order_by("seq")
                .values("seq", "request_key", "next_cursor", "page_size", "row_count")
            )
            chain_ok = all(
                p["seq"] == i and p["request_key"] == request_key for i, p in enumerate(pages)
            )
            if not pages or not chain_ok:
                if pages:
                    self.restart(level)
                return LevelProgress()
            last = pages[-1]
            return LevelProgress(
                seq=len(pages),
                cursor=last["next_cursor"],
                page_size=last["page_size"],
                done=not last["next_cursor"],
                rows=sum(p["row_count"] for p in pages),
            )

    def restart(self, level: str) -> None:
        with tenant_scope(self.organization_id):
            SyncPage.objects.filter(sync_run=self.run, level=level).delete()

    def save(
        self,
        *,
        level: str,
        seq: int,
        request_key: str,
        cursor: str,
        next_cursor: str,
        page_size: int,
        rows_csv: str,
        row_count: int,
    ) -> None:
        with tenant_scope(self.organization_id):
            SyncPage.objects.update_or_create(
                sync_run=self.run,
                level=level,
                seq=seq,
                defaults={
                    "store_id": self.run.store_id,
                    "request_key": request_key,
                    "cursor": cursor,
                    "next_cursor": next_cursor,
                    "page_size": page_size,
                    "row_count": row_count,
                    "rows": rows_csv,
                },
            )


def pages_write_to(run: SyncRun, out: IO[str]) -> None:
    """Every row of the run's pages, as CSV, into `out` (in the caller's tenant scope)."""
    for rows in (
        SyncPage.objects.filter(sync_run=run)
        .order_by("level", "seq")
        .values_list("rows", flat=True)
        .iterator(chunk_size=20)
    ):
        out.write(rows)


def pages_totals(run: SyncRun) -> tuple[int, int]:
    """(pages, rows) the run holds."""
    totals = SyncPage.objects.filter(sync_run=run).aggregate(
        pages=Count("pk"), rows=Sum("row_count")
    )
    return totals["pages"] or 0, totals["rows"] or 0


def pages_delete(*, store_id: int, runs: list[int] | None = None) -> None:
    """Drop pages of the given runs (in the caller's tenant scope)."""
    query = Q(store_id=store_id)
    if runs is not None:
        query &= Q(sync_run_id__in=runs)
    SyncPage.objects.filter(query).delete()
