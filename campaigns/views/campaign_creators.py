"""Creators on a campaign: add them, change their terms and status, invite them to the portal."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from campaigns.forms import CampaignCreatorForm, CampaignCreatorsAddForm
from campaigns.selectors import campaign_creator_get, creators_available, link_job_latest
from campaigns.services.campaign_creators import campaign_creator_update, campaign_creators_add
from campaigns.views.campaigns import CampaignMixin, CampaignView, _links_message
from campaigns.views.common import ManagerView, apply_errors, error_text
from tenancy.models import MANAGE_CAMPAIGNS, User


class CampaignCreatorsView(CampaignView):
    """POST: put creators in the campaign (their links are made)."""

    allowed_roles = MANAGE_CAMPAIGNS
    http_method_names = ["post"]

    def post(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self.campaign(campaign_id)
        form = CampaignCreatorsAddForm(
            request.POST, available=creators_available(campaign=campaign)
        )
        if form.is_valid():
            try:
                added = campaign_creators_add(
                    campaign=campaign,
                    creators=form.cleaned_data["creators"],
                    status=form.cleaned_data["status"],
                    commission_rate_override=form.cleaned_data["commission_rate_override"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"{len(added)} creator{'s' if len(added) != 1 else ''} added."
                )
                job = link_job_latest(campaign=campaign)
                if job and job.is_open:
                    _links_message(request, job)
                return self.back(campaign)
        return self.page(request, campaign, creators_form=form, status=400)


class CampaignCreatorView(CampaignMixin, ManagerView):
    """POST: a creator's status or commission override in this campaign."""

    allowed_roles = MANAGE_CAMPAIGNS
    http_method_names = ["post"]

    def post(
        self, request: HttpRequest, campaign_id: int, campaign_creator_id: int
    ) -> HttpResponse:
        campaign = self.campaign(campaign_id)
        cc = campaign_creator_get(campaign_id=campaign.pk, campaign_creator_id=campaign_creator_id)
        form = CampaignCreatorForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                # The field's label, never its internal name (`commission_rate_override`).
                label = form[field].label if field in form.fields else ""
                text = " ".join(map(str, errors))
                messages.error(
                    request,
                    f"{cc.creator.name}: {label}: {text}"
                    if label
                    else f"{cc.creator.name}: {text}",
                )
            return self.back(campaign)
        try:
            campaign_creator_update(
                campaign_creator=cc, changed_by=cast(User, request.user), **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, f"{cc.creator.name}: {error_text(exc)}")
        else:
            messages.success(request, f"{cc.creator.name}: saved.")
        return self.back(campaign)
