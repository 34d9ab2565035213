"""Reads of the aggregated exports run in the background (tenant in scope). `*_get` answer 404
for a bad id, a missing row and another tenant's alike (tenancy.access)."""

from __future__ import annotations

from pathlib import Path

from django.db.models import QuerySet
from django.http import Http404

from reporting.models import Export
from tenancy.access import access_by_id

GONE = "This export is no longer available."


def exports_all() -> QuerySet[Export]:
    return Export.objects.all()


def exports_recent(*, limit: int) -> QuerySet[Export]:
    """The newest exports, with who asked for them."""
    return Export.objects.select_related("requested_by")[:limit]


def export_get(*, export_id: object) -> Export:
    return access_by_id(Export, export_id)


def export_file_get(*, export_id: int) -> Export:
    """A finished export whose file is still on disk; Http404 ("no longer available") when it
    is gone, unfinished, expired or its file was removed."""
    export = access_by_id(Export.objects.filter(status=Export.Status.DONE), export_id, message=GONE)
    if not export.file_path or not Path(export.file_path).is_file():
        raise Http404(GONE)
    return export
