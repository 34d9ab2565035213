"""Large exports as background jobs: an Export row with progress, a file under EXPORTS_DIR
written by a Celery task, a signed download link that expires, and files removed after
EXPORT_RETENTION_HOURS."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from reporting.exports.csv import csv_chunks
from reporting.exports.query import ExportQuery, export_estimate
from reporting.models import Export
from tenancy.models import User
from tenancy.replica import replica_reads
from tenancy.scoping import tenant_scope

log = logging.getLogger(__name__)

DOWNLOAD_SALT = "reporting.export-download"
PROGRESS_EVERY_SECONDS = 1.0


def export_query_of(export: Export) -> ExportQuery:
    return ExportQuery(
        start=export.start,
        end=export.end,
        store_ids=tuple(export.store_ids),
        group_by=export.group_by,
        campaign_id=export.campaign_id,
        creator_id=export.creator_id,
        link_id=export.link_id,
    )


def export_is_large(q: ExportQuery) -> tuple[bool, int]:
    estimate = export_estimate(q)
    return estimate > settings.EXPORT_ASYNC_ROWS, estimate


def export_create(
    *,
    query: ExportQuery,
    requested_by: User | None = None,
    requested_via: str = "",
    estimate: int = 0,
    run_now: bool = False,
) -> Export:
    """Record an export job and start it after commit (or write it now: small API exports)."""
    from reporting import tasks

    export = Export.objects.create(
        requested_by=requested_by,
        requested_via=requested_via[:150],
        start=query.start,
        end=query.end,
        store_ids=list(query.store_ids),
        group_by=query.group_by,
        campaign_id=query.campaign_id,
        creator_id=query.creator_id,
        link_id=query.link_id,
        rows_estimate=estimate,
    )
    if run_now:
        _write(export)
        return export
    organization_id, export_id = export.organization_id, export.pk
    tasks.export_run.delay_on_commit(organization_id, export_id)
    return export


def _progress_key(export_id: int) -> str:
    return f"export-progress:{export_id}"


def export_progress(export: Export) -> int:
    """Rows written so far (from Redis while it runs: the job's transaction is still open)."""
    if export.status == Export.Status.RUNNING:
        return int(cache.get(_progress_key(export.pk)) or 0)
    return export.rows_written


def _write(export: Export) -> None:
    """Write the file (tenant in scope, one transaction for the server-side cursor)."""
    directory = Path(settings.EXPORTS_DIR) / str(export.organization_id)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{export.pk}-{secrets.token_hex(8)}.csv"
    partial = final.with_suffix(".part")
    written = {"rows": 0}
    last = {"at": 0.0}

    def progress(rows: int) -> None:
        written["rows"] = rows
        now = timezone.now().timestamp()
        if now - last["at"] >= PROGRESS_EVERY_SECONDS:
            last["at"] = now
            cache.set(_progress_key(export.pk), rows, 24 * 3600)

    size = 0
    # the rows may come from the read replica (tenancy.replica); the job's own row is written
    # to the primary below
    with open(partial, "wb") as out, replica_reads():
        for chunk in csv_chunks(export_query_of(export), on_rows=progress):
            out.write(chunk)
            size += len(chunk)
    os.replace(partial, final)
    now = timezone.now()
    export.status = Export.Status.DONE
    export.rows_written = written["rows"]
    export.file_path = str(final)
    export.file_size = size
    export.finished_at = now
    export.expires_at = now + timedelta(hours=settings.EXPORT_RETENTION_HOURS)
    export.save(
        update_fields=[
            "status",
            "rows_written",
            "file_path",
            "file_size",
            "finished_at",
            "expires_at",
        ]
    )
    cache.delete(_progress_key(export.pk))


def export_run(*, organization_id: int, export_id: int) -> Export | None:
    """The task's body: claim the job (queued -> running; a redelivery of a running job takes
    it again), write the file in one transaction, record the outcome. Returns the export."""
    with tenant_scope(organization_id):
        claimed = Export.objects.filter(
            pk=export_id, status__in=(Export.Status.QUEUED, Export.Status.RUNNING)
        ).update(status=Export.Status.RUNNING, started_at=timezone.now())
        if not claimed:
            return Export.objects.filter(pk=export_id).first()  # done, failed or gone
    try:
        with tenant_scope(organization_id):
            export = Export.objects.get(pk=export_id)
            _write(export)
            return export
    except Exception as exc:
        log.exception("export %s failed", export_id)
        with tenant_scope(organization_id):
            Export.objects.filter(pk=export_id).update(
                status=Export.Status.FAILED,
                error=f"The export failed: {exc.__class__.__name__}. Try again or a smaller range.",
                finished_at=timezone.now(),
            )
            return Export.objects.filter(pk=export_id).first()


def export_download_path(export: Export) -> str:
    """A signed download path that expires EXPORT_LINK_MAX_AGE seconds from now."""
    token = signing.TimestampSigner(salt=DOWNLOAD_SALT).sign_object(
        {"o": export.organization_id, "e": export.pk}
    )
    return reverse("export-download", kwargs={"token": token})


@dataclass(frozen=True)
class DownloadTicket:
    organization_id: int
    export_id: int


def export_download_ticket(token: str) -> DownloadTicket | None:
    try:
        data = signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign_object(
            token, max_age=settings.EXPORT_LINK_MAX_AGE
        )
        return DownloadTicket(int(data["o"]), int(data["e"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def exports_expire() -> int:
    """Delete the files of exports past their retention (tenant in scope); returns how many."""
    expired = 0
    for export in Export.objects.filter(
        status=Export.Status.DONE, expires_at__lte=timezone.now()
    ).only("pk", "file_path"):
        if export.file_path:
            Path(export.file_path).unlink(missing_ok=True)
        Export.objects.filter(pk=export.pk).update(status=Export.Status.EXPIRED, file_path="")
        expired += 1
    return expired
