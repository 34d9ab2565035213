"""Payables (finance, owners, admins): what each creator is owed per month, as a page and a
CSV, and "mark paid" for a batch of lines, recording who and when."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from attribution.sync.pull import minor_unit
from reporting.exports.csv import money, neutralise
from reporting.selectors.payables import (
    PayableKey,
    payables_detail,
    payables_list,
    payout_batches_recent,
)
from reporting.services import payout_batch_pay
from tenancy.models import VIEW_FINANCE, User
from tenancy.scoping import tenant_scope
from tenancy.views.base import OrgView

SUMMARY_HEADER = (
    "month",
    "creator_id",
    "creator",
    "creator_email",
    "currency",
    "conversions",
    "sales",
    "commission",
    "adjustments",
    "owed",
)
DETAIL_HEADER = (
    "month",
    "creator_id",
    "creator",
    "creator_email",
    "currency",
    "kind",
    "conversion_id",
    "date",
    "campaign",
    "status",
    "sales",
    "commission",
)


def _month(value: str | None) -> date | None:
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


class PayablesView(OrgView):
    allowed_roles = VIEW_FINANCE
    template_name = "reporting/payables.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        month = _month(request.GET.get("month"))
        return self.render(
            request,
            {
                "lines": payables_list(month=month),
                "month": month,
                "batches": payout_batches_recent(),
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        lines = []
        for token in request.POST.getlist("line"):
            key = PayableKey.parse(token)
            try:
                expected = Decimal(request.POST.get(f"owed-{token}", ""))
            except InvalidOperation:
                key = None
            if key is not None:
                lines.append((key, expected))
        try:
            batch = payout_batch_pay(
                lines=lines,
                user=cast(User, request.user),
                reference=request.POST.get("reference", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            totals = ", ".join(f"{amount} {cur}" for cur, amount in batch.totals.items())
            messages.success(
                request,
                f"Marked paid: {batch.conversions_count} conversion(s) and "
                f"{batch.adjustments_count} adjustment(s), {totals}.",
            )
        return redirect("payables", self.organization.slug)


class _Echo:
    def write(self, value: str) -> str:
        return value


class PayablesCsvView(OrgView):
    """`?detail=1`: one row per conversion and adjustment instead of per creator and month."""

    allowed_roles = VIEW_FINANCE

    def get(self, request: HttpRequest) -> HttpResponseBase:
        month = _month(request.GET.get("month"))
        detail = request.GET.get("detail") == "1"
        organization_id = self.organization.pk

        def rows() -> Iterator[str]:
            writer = csv.writer(_Echo())
            with tenant_scope(organization_id):
                if detail:
                    yield writer.writerow(DETAIL_HEADER)
                    for d in payables_detail(month=month):
                        places = minor_unit(d.key.currency)
                        yield writer.writerow(
                            [
                                f"{d.key.month:%Y-%m}",
                                d.key.creator_id,
                                neutralise(d.creator_name),
                                neutralise(d.creator_email),
                                d.key.currency,
                                d.kind,
                                d.conversion_id,
                                d.date.isoformat(),
                                neutralise(d.campaign),
                                d.status,
                                money(d.sales, places),
                                money(d.commission, places),
                            ]
                        )
                    return
                yield writer.writerow(SUMMARY_HEADER)
                for line in payables_list(month=month):
                    places = minor_unit(line.key.currency)
                    yield writer.writerow(
                        [
                            f"{line.key.month:%Y-%m}",
                            line.key.creator_id,
                            neutralise(line.creator_name),
                            neutralise(line.creator_email),
                            line.key.currency,
                            line.conversions,
                            money(line.sales, places),
                            money(line.commission, places),
                            money(line.adjustments, places),
                            money(line.owed, places),
                        ]
                    )

        name = f"payables{'-detail' if detail else ''}{f'-{month:%Y-%m}' if month else ''}.csv"
        response = StreamingHttpResponse(
            (r.encode() for r in rows()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
