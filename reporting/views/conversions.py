"""Conversions: review and approve or deny what creators earned, a page or every conversion
matching the filter at once (the filter goes to the server, never a list of ids)."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

from attribution.selectors import stores_all
from campaigns.selectors import campaigns_all
from commissions.approvals import SelectionChanged, conversions_decide_matching
from commissions.models import Conversion
from commissions.selectors.conversions import (
    ConversionFilter,
    SelectionSummary,
    conversion_status_counts,
    conversions_list,
    conversions_matching,
    conversions_selection_summary,
    restated_share_of,
)
from core.money import money_format
from creators.selectors import creators_all
from reporting.forms import ConversionFilterForm
from tenancy.models import MANAGE_CAMPAIGNS, User
from tenancy.views.base import OrgView

PAGE_SIZE = 50
FILTER_FIELDS = ("store", "campaign", "creator", "month", "status")


def _filter_form(data: QueryDict) -> ConversionFilterForm:
    return ConversionFilterForm(
        {name: data.get(name, "") for name in FILTER_FIELDS},
        stores=[(s.pk, f"{s} · {s.currency_code}") for s in stores_all()],
        campaigns=list(campaigns_all().order_by("name", "pk").values_list("pk", "name")),
        creators=list(creators_all().order_by("name", "pk").values_list("pk", "name")),
        statuses=list(Conversion.Status.choices),
    )


def _filter(form: ConversionFilterForm) -> ConversionFilter:
    """The filter the form holds; a field with an invalid value does not filter (the form
    shows its error)."""
    form.is_valid()
    data = form.cleaned_data
    return ConversionFilter(
        store=data.get("store"),
        campaign=data.get("campaign"),
        creator=data.get("creator"),
        month=data.get("month"),
        status=data.get("status") or None,
    )


def _query(filter: ConversionFilter, **extra: Any) -> str:
    params = {
        "store": filter.store or "",
        "campaign": filter.campaign or "",
        "creator": filter.creator or "",
        "month": f"{filter.month:%Y-%m}" if filter.month else "",
        "status": filter.status or "",
        **extra,
    }
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _ids(data: QueryDict) -> list[int]:
    return [int(v) for v in data.getlist("conversion") if v.isdigit()][:100_000]


def totals_text(summary: SelectionSummary) -> str:
    return ", ".join(money_format(amount, currency) for currency, amount in summary.currencies)


class ConversionsView(OrgView):
    template_name = "reporting/conversions.html"

    def _render(
        self,
        request: HttpRequest,
        data: QueryDict,
        *,
        selected_all: bool = False,
        selected_ids: list[int] | None = None,
        reason: str = "",
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        if "status" not in data:
            data = data.copy()
            data["status"] = Conversion.Status.AWAITING
        form = _filter_form(data)
        filter = _filter(form)
        paginator = Paginator(conversions_list(filter=filter), PAGE_SIZE)
        page = paginator.get_page(data.get("page"))
        page.object_list = restated_share_of(list(page.object_list))
        can_decide = (
            self.membership.role in MANAGE_CAMPAIGNS and filter.status == Conversion.Status.AWAITING
        )
        selected_ids = selected_ids or []
        summary = None
        if can_decide and (selected_all or selected_ids):
            summary = conversions_selection_summary(
                conversions_matching(filter=filter, ids=None if selected_all else selected_ids)
            )
        without_status = ConversionFilter(
            store=filter.store, campaign=filter.campaign, creator=filter.creator, month=filter.month
        )
        return self.render(
            request,
            {
                "form": form,
                "filter": filter,
                "page": page,
                "status": filter.status or "",
                "statuses": Conversion.Status.choices,
                "counts": conversion_status_counts(filter=without_status),
                "tab_query": _query(without_status),
                "query": _query(filter),
                "can_decide": can_decide,
                "selected_all": selected_all and can_decide,
                "selected_ids": set(selected_ids),
                "summary": summary,
                "reason": reason,
                "error": error,
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(
            request,
            request.GET,
            selected_all=request.GET.get("all") == "1",
            selected_ids=_ids(request.GET),
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if self.membership.role not in MANAGE_CAMPAIGNS:
            return self.render(
                request,
                {"error": "Only managers decide conversions."},
                template_name="403.html",
                status=403,
            )
        data = request.POST
        selected_all = data.get("all") == "1"
        ids = _ids(data)
        approve = data.get("action") == "approve"
        reason = data.get("reason", "")
        if not selected_all and not ids:
            return self._render(
                request,
                data,
                error="Tick at least one conversion, or select all that match the filter.",
                status=400,
                selected_all=selected_all,
                selected_ids=ids,
                reason=reason,
            )
        form = _filter_form(data)
        filter = _filter(form)
        expected = None
        if (data.get("expected_count") or "").isdigit():
            expected = SelectionSummary(
                count=int(data["expected_count"]), version=data.get("expected_version", "")
            )
        try:
            result = conversions_decide_matching(
                filter=filter,
                approve=approve,
                reason=reason,
                user=cast(User, request.user),
                ids=None if selected_all else ids,
                expected=expected,
            )
        except SelectionChanged as exc:
            return self._render(
                request,
                data,
                error=" ".join(exc.messages),
                status=409,
                selected_all=selected_all,
                selected_ids=ids,
                reason=reason,
            )
        except ValidationError as exc:
            return self._render(
                request,
                data,
                error=" ".join(exc.messages),
                status=400,
                selected_all=selected_all,
                selected_ids=ids,
                reason=reason,
            )
        verb = "approved" if approve else "denied"
        messages.success(
            request,
            f"{result.decided:,} conversion(s) {verb} ({totals_text(result.summary)}).",
        )
        return redirect(f"{request.path}?{_query(filter)}")


class ConversionSelectionView(OrgView):
    """The selection's count and totals per currency (htmx swaps it in as rows are ticked),
    with the version the decide form sends back."""

    template_name = "reporting/partials/conversion_selection.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = _filter_form(request.GET)
        filter = _filter(form)
        selected_all = request.GET.get("all") == "1"
        ids = _ids(request.GET)
        summary = None
        if selected_all or ids:
            summary = conversions_selection_summary(
                conversions_matching(filter=filter, ids=None if selected_all else ids)
            )
        return self.render(
            request,
            {"summary": summary, "selected_all": selected_all, "filter": filter},
        )
