"""Payables (finance, owners, admins): what each creator is owed per month, as a page and a
CSV. Paying happens in payout runs (reporting/views/payouts.py): minimums, carried balances
and the providers' files; a line here is never marked paid on its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from commissions.selectors.payables import (
    payables_detail,
    payables_list,
    payout_batches_recent,
)
from commissions.selectors.payouts import payout_run_open
from core.csv import csv_download, csv_stream, neutralise
from core.money import money_text
from core.months import month_parse
from tenancy.models import VIEW_FINANCE
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
                "open_run": payout_run_open(),
            },
        )


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
