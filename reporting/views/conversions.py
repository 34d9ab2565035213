"""Conversions: review and approve or deny what creators earned."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from commissions.models import Conversion
from commissions.selectors.conversions import conversion_status_counts, conversions_list
from commissions.services import conversions_decide
from tenancy.models import MANAGE_CAMPAIGNS, User
from tenancy.views.base import OrgView

PAGE_SIZE = 50


class ConversionsView(OrgView):
    template_name = "reporting/conversions.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", Conversion.Status.AWAITING)
        if status not in Conversion.Status.values:
            status = Conversion.Status.AWAITING
        page = Paginator(conversions_list(status=status), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return self.render(
            request,
            {
                "page": page,
                "status": status,
                "statuses": Conversion.Status.choices,
                "counts": conversion_status_counts(),
                "can_decide": self.membership.role in MANAGE_CAMPAIGNS and status == "awaiting",
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if self.membership.role not in MANAGE_CAMPAIGNS:
            return self.render(
                request,
                {"error": "Only managers decide conversions."},
                template_name="403.html",
                status=403,
            )
        ids = [int(v) for v in request.POST.getlist("conversion") if v.isdigit()]
        approve = request.POST.get("action") == "approve"
        if not ids:
            messages.error(request, "Tick at least one conversion.")
        else:
            try:
                result = conversions_decide(
                    conversion_ids=ids,
                    approve=approve,
                    reason=request.POST.get("reason", ""),
                    user=cast(User, request.user),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                verb = "approved" if approve else "denied"
                messages.success(request, f"{result.decided} conversion(s) {verb}.")
                for pk, why in result.skipped.items():
                    messages.warning(request, f"Conversion #{pk} not changed: {why}.")
        return redirect(f"{request.path}?status=awaiting")
