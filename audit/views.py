"""The Activity page (owners, admins, finance): every change to money, who made it, when, from
what to what; filtered, a page at a time, and as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase

from audit.display import activity_rows
from audit.forms import ActivityFilterForm
from audit.selectors import (
    ActivityFilter,
    activity_iter,
    activity_page,
    cursor_decode,
    cursor_encode,
)
from core.csv import csv_download, csv_stream, neutralise
from tenancy.models import VIEW_FINANCE
from tenancy.scoping import tenant_scope
from tenancy.views.base import OrgView

PAGE_SIZE = 50
CSV_HEADER = (
    "time",
    "actor",
    "actor_email",
    "what",
    "event",
    "object_id",
    "object",
    "field",
    "before",
    "after",
    "currency",
    "url",
)


def _filter_query(params: QueryDict) -> str:
    """The filters of the request, without the cursor: for the next page and the CSV."""
    query = params.copy()
    query.pop("before", None)
    return query.urlencode()


class ActivityView(OrgView):
    allowed_roles = VIEW_FINANCE
    template_name = "audit/activity.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ActivityFilterForm(request.GET or None)
        rows: list[Any] = []
        more, error = False, ""
        if form.is_bound and not form.is_valid():
            flt = None
        else:
            flt = form.activity_filter() if form.is_bound else ActivityFilter()
        before = None
        if request.GET.get("before"):
            try:
                before = cursor_decode(request.GET["before"])
            except ValueError:
                error = "That page link is no longer valid; showing the newest entries."
        if flt is not None:
            events, more = activity_page(flt, before=before, size=PAGE_SIZE)
            rows = activity_rows(events)
        query = _filter_query(request.GET)
        next_query = ""
        if more and rows:
            next_query = f"{query}&before={cursor_encode(rows[-1].event.cursor)}".lstrip("&")
        return self.render(
            request,
            {
                "form": form,
                "rows": rows,
                "next_query": next_query,
                "query": query,
                "paged": before is not None,
                "error": error,
            },
        )


class ActivityCsvView(OrgView):
    """The filtered activity, one line per changed field (an event without one: one line)."""

    allowed_roles = VIEW_FINANCE

    def get(self, request: HttpRequest) -> HttpResponseBase:
        form = ActivityFilterForm(request.GET or None)
        flt = ActivityFilter()
        if form.is_bound:
            if not form.is_valid():
                return self.render(
                    request,
                    {"form": form, "rows": [], "query": _filter_query(request.GET)},
                    template_name="audit/activity.html",
                    status=400,
                )
            flt = form.activity_filter()
        organization_id = self.organization.pk

        def lines() -> Iterator[list[Any]]:
            with tenant_scope(organization_id):
                chunk = []
                for event in activity_iter(flt):
                    chunk.append(event)
                    if len(chunk) >= 500:
                        yield from _csv_lines(chunk)
                        chunk = []
                yield from _csv_lines(chunk)

        return csv_download(csv_stream(CSV_HEADER, lines()), filename="activity.csv")


def _csv_lines(events: list[Any]) -> Iterator[list[Any]]:
    for row in activity_rows(events):
        base = [
            row.at.isoformat(),
            neutralise(row.actor.label),
            neutralise(row.actor.email),
            row.event.kind,
            row.event.label,
            row.event.object_id,
            neutralise(row.object_label),
        ]
        tail = [row.currency, neutralise(row.url)]
        if not row.changes:
            yield [*base, "", "", "", *tail]
        for change in row.changes:
            yield [
                *base,
                change.field,
                _cell(change.before),
                _cell(change.after),
                *tail,
            ]


def _cell(value: str | None) -> str:
    """A value as written: a number stays a number (a clawback's "-1.20"), text is neutralised."""
    if value is None:
        return ""
    try:
        Decimal(value)
    except InvalidOperation:
        return neutralise(value)
    return value
