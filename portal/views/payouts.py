"""The creator's payouts at one brand (each payout, its lines and reference, and balances
carried forward) and their payout details (PayPal or bank, encrypted, changes mailed)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from commissions.selectors.payouts import creator_payouts
from creators.payout_details import payout_details_get, payout_details_save
from creators.selectors import payout_details_changes
from portal.forms import PayoutDetailsForm
from portal.views.base import PortalView
from tenancy.models import User


class PayoutsView(PortalView):
    template_name = "portal/payouts.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(
            request,
            {
                "payouts": creator_payouts(creator_id=self.creator.pk),
                "details": payout_details_get(creator=self.creator),
                "tab": "payouts",
            },
        )


class PayoutDetailsView(PortalView):
    template_name = "portal/payout_details.html"

    def _page(
        self, request: HttpRequest, form: PayoutDetailsForm, status: int = 200
    ) -> HttpResponse:
        return self.render(
            request,
            {
                "form": form,
                "changes": payout_details_changes(creator=self.creator),
                "tab": "payouts",
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        details = payout_details_get(creator=self.creator)
        return self._page(
            request, PayoutDetailsForm(initial=PayoutDetailsForm.initial_from(details))
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PayoutDetailsForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, status=400)
        change = payout_details_save(
            creator=self.creator, data=form.cleaned_data, user=cast(User, request.user)
        )
        if change is None:
            messages.info(request, "Nothing changed.")
        else:
            messages.success(
                request, "Payout details saved. We sent you an e-mail about the change."
            )
        return redirect("portal-payouts", self.organization.slug)
