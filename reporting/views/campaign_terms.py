"""Change a campaign's terms (default rate, basis, settlement days) or a creator's override from
a day: past days keep their terms unless the manager applies the change to the conversions still
pending, after seeing what it moves (preview, then confirm)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from campaigns.models import Campaign, CampaignCreator
from campaigns.selectors import (
    campaign_creator_get,
    campaign_get,
    campaign_terms_history,
    campaign_terms_today,
)
from campaigns.views.common import ManagerView, apply_errors
from commissions.services import (
    TermsMove,
    campaign_creator_terms_change,
    campaign_terms_change,
)
from reporting.forms_terms import CampaignTermsForm, CreatorTermsForm, TermsChangeForm
from tenancy.models import MANAGE_CAMPAIGNS, User


class CampaignTermsView(ManagerView):
    allowed_roles = MANAGE_CAMPAIGNS
    template_name = "reporting/campaign_terms.html"

    def _objects(
        self, campaign_id: int, campaign_creator_id: int | None
    ) -> tuple[Campaign, CampaignCreator | None]:
        campaign = campaign_get(campaign_id=campaign_id)
        cc = None
        if campaign_creator_id is not None:
            cc = campaign_creator_get(
                campaign_id=campaign.pk, campaign_creator_id=campaign_creator_id
            )
            cc.campaign = campaign
        return campaign, cc

    def _form(
        self, campaign: Campaign, cc: CampaignCreator | None, data: Any = None
    ) -> TermsChangeForm:
        today = campaign.store.today()
        if cc is not None:
            return CreatorTermsForm(
                data,
                initial={
                    "commission_rate_override": cc.commission_rate_override,
                    "terms_from": today,
                },
            )
        history = campaign_terms_history(campaign=campaign)
        return CampaignTermsForm(
            data,
            initial={
                **campaign_terms_today(campaign=campaign, history=history),
                "terms_from": today,
            },
        )

    def _page(
        self,
        request: HttpRequest,
        campaign: Campaign,
        cc: CampaignCreator | None,
        form: TermsChangeForm,
        move: TermsMove | None = None,
        status: int = 200,
    ) -> HttpResponse:
        return self.render(
            request,
            {
                "campaign": campaign,
                "cc": cc,
                "form": form,
                "move": move,
                "today": campaign.store.today(),
                "history": campaign_terms_history(campaign=campaign),
            },
            status=status,
        )

    def get(
        self, request: HttpRequest, campaign_id: int, campaign_creator_id: int | None = None
    ) -> HttpResponse:
        campaign, cc = self._objects(campaign_id, campaign_creator_id)
        return self._page(request, campaign, cc, self._form(campaign, cc))

    def post(
        self, request: HttpRequest, campaign_id: int, campaign_creator_id: int | None = None
    ) -> HttpResponse:
        campaign, cc = self._objects(campaign_id, campaign_creator_id)
        form = self._form(campaign, cc, request.POST)
        if not form.is_valid():
            return self._page(request, campaign, cc, form, status=400)
        data = dict(form.cleaned_data)
        past = data["terms_from"] < campaign.store.today()
        confirming = "confirm" in request.POST
        # A past day moves money: show what it moves first, apply only once confirmed.
        preview = past and data["apply_to_pending"] and not confirming
        try:
            move = self._change(
                request, campaign, cc, data, preview, request.POST.get("expected", "")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            return self._page(request, campaign, cc, form, status=400)
        if preview:
            # The preview rolled back; read the rows again as they are.
            campaign, cc = self._objects(campaign_id, campaign_creator_id)
            return self._page(request, campaign, cc, form, move=move)
        whose = f"{cc.creator.name}'s override" if cc else "The campaign's terms"
        text = f"{whose}: new terms from {data['terms_from']:%-d %b %Y} saved."
        if past:
            plural = "s" if move.conversions != 1 else ""
            text += f" {move.conversions} pending conversion{plural} updated."
        messages.success(request, text)
        return redirect("campaign", org_slug=self.organization.slug, campaign_id=campaign.pk)

    def _change(
        self,
        request: HttpRequest,
        campaign: Campaign,
        cc: CampaignCreator | None,
        data: dict[str, Any],
        preview: bool,
        expected: str,
    ) -> TermsMove:
        common = {
            "effective_from": data["terms_from"],
            "user": cast(User, request.user),
            "apply_to_pending": data["apply_to_pending"],
            "preview": preview,
            "expected": None if preview else expected if "confirm" in request.POST else None,
        }
        if cc is not None:
            return campaign_creator_terms_change(
                campaign_creator=cc,
                commission_rate_override=data["commission_rate_override"],
                **common,
            )
        return campaign_terms_change(
            campaign=campaign,
            default_commission_rate=data["default_commission_rate"],
            commission_basis=data["commission_basis"],
            settlement_days=data["settlement_days"],
            **common,
        )
