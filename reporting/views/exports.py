"""The aggregated export in the browser: a form (range, stores, grouping) that streams the CSV
at once, or starts a background job for a large range and shows its progress; and the signed,
expiring download of a finished job's file (no tenant in that URL: the signature names it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from core.csv import csv_download
from reporting.exports.csv import csv_chunks
from reporting.exports.jobs import (
    export_create,
    export_download_path,
    export_download_ticket,
    export_is_large,
    export_progress,
)
from reporting.exports.query import ExportQuery, export_query_build
from reporting.forms import ExportForm
from reporting.models import Export
from reporting.periods import period_default
from reporting.selectors.exports import export_file_get, export_get, exports_recent
from tenancy.models import User
from tenancy.replica import replica_reads
from tenancy.scoping import tenant_scope
from tenancy.views.base import OrgView

RECENT = 10


def csv_response(organization_id: int, query: ExportQuery, filename: str) -> StreamingHttpResponse:
    """Stream the export. The view's transaction has ended by the time the body is sent, so the
    body opens its own tenant scope (and server-side cursor) while it streams, reading from the
    read replica when there is one (tenancy.replica)."""

    def body() -> Iterator[bytes]:
        with tenant_scope(organization_id), replica_reads():
            yield from csv_chunks(query)

    return csv_download(body(), filename=filename)


def export_filename(query: ExportQuery) -> str:
    return f"attribution-{query.group_by}-{query.start:%Y%m%d}-{query.end:%Y%m%d}.csv"


class ExportsView(OrgView):
    template_name = "reporting/exports.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        store_ids = [s for s in request.GET.getlist("store") if s.isdigit()]
        # the same "last 30 days" as every dashboard (reporting.periods)
        default = period_default()
        initial = {
            "start": request.GET.get("start") or default.start,
            "end": request.GET.get("end") or default.end,
            "group_by": request.GET.get("group_by") or "day",
            "stores": store_ids,
        }
        return self._page(request, ExportForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponseBase:
        form = ExportForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, status=400)
        data = form.cleaned_data
        try:
            query = export_query_build(
                start=data["start"],
                end=data["end"],
                store_ids=[s.pk for s in data["stores"]],
                group_by=data["group_by"],
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
            return self._page(request, form, status=400)
        large, estimate = export_is_large(query)
        if large:
            export = export_create(
                query=query, requested_by=cast(User, request.user), estimate=estimate
            )
            return redirect("export", self.organization.slug, export.pk)
        return csv_response(self.organization.pk, query, export_filename(query))

    def _page(self, request: HttpRequest, form: ExportForm, status: int = 200) -> HttpResponse:
        recent = exports_recent(limit=RECENT)
        return self.render(request, {"form": form, "recent": recent}, status=status)


class ExportView(OrgView):
    """A background export: progress while it runs (htmx polls), then the download link."""

    template_name = "reporting/export.html"

    def get(self, request: HttpRequest, export_id: int) -> HttpResponse:
        export = export_get(export_id=export_id)
        context = {
            "export": export,
            "progress": export_progress(export),
            "download": export_download_path(export) if export.status == Export.Status.DONE else "",
        }
        if request.htmx:  # type: ignore[attr-defined]
            return self.render(request, context, template_name="reporting/partials/export.html")
        return self.render(request, context)


@require_GET
def export_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """A finished export's file, for whoever holds an unexpired signed link (like a pre-signed
    object-store URL: the API hands these to scripts that have no session)."""
    ticket = export_download_ticket(token)
    if ticket is None:
        raise Http404("This download link is invalid or has expired.")
    with tenant_scope(ticket.organization_id):
        export = export_file_get(export_id=ticket.export_id)
    response = FileResponse(
        open(export.file_path, "rb"),  # noqa: SIM115  (FileResponse closes it)
        as_attachment=True,
        filename=export.file_name,
        content_type="text/csv; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response
