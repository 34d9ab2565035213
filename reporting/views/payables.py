"""Payables (finance, owners, admins): what each creator is owed per month, as a page and a
CSV, and "mark paid" for a batch of lines, recording who and when."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from commissions.selectors.payables import (
    PayableKey,
    payables_detail,
    payables_list,
    payout_batches_recent,
)
from commissions.services import payout_batch_pay
from core.csv import csv_download, csv_stream, neutralise
from core.money import money_format, money_text
from core.months import month_parse
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


class PayablesView(OrgView):
    allowed_roles = VIEW_FINANCE
    template_name = "reporting/payables.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        month = month_parse(request.GET.get("month"))
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
            totals = ", ".join(money_format(amount, cur) for cur, amount in batch.totals.items())
            messages.success(
                request,
                f"Marked paid: {batch.conversions_count} conversion(s) and "
                f"{batch.adjustments_count} adjustment(s), {totals}.",
            )
        return redirect("payables", self.organization.slug)


class PayablesCsvView(OrgView):
    """`?detail=1`: one row per conversion and adjustment instead of per creator and month."""

    allowed_roles = VIEW_FINANCE

    def get(self, request: HttpRequest) -> HttpResponseBase:
        month = month_parse(request.GET.get("month"))
        detail = request.GET.get("detail") == "1"
        organization_id = self.organization.pk

        def rows() -> Iterator[list[Any]]:
            with tenant_scope(organization_id):
                if detail:
                    for d in payables_detail(month=month):
                        currency = d.key.currency
                        yield [
                            f"{d.key.month:%Y-%m}",
                            d.key.creator_id,
                            neutralise(d.creator_name),
                            neutralise(d.creator_email),
                            currency,
                            d.kind,
                            d.conversion_id,
                            d.date.isoformat(),
                            neutralise(d.campaign),
                            d.status,
                            money_text(d.sales, currency),
                            money_text(d.commission, currency),
                        ]
                    return
                for line in payables_list(month=month):
                    currency = line.key.currency
                    yield [
                        f"{line.key.month:%Y-%m}",
                        line.key.creator_id,
                        neutralise(line.creator_name),
                        neutralise(line.creator_email),
                        currency,
                        line.conversions,
                        money_text(line.sales, currency),
                        money_text(line.commission, currency),
                        money_text(line.adjustments, currency),
                        money_text(line.owed, currency),
                    ]

        name = f"payables{'-detail' if detail else ''}{f'-{month:%Y-%m}' if month else ''}.csv"
        header = DETAIL_HEADER if detail else SUMMARY_HEADER
        return csv_download(csv_stream(header, rows()), filename=name)
