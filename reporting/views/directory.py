"""The campaign list and a creator's page, with the period's figures: the campaigns app owns
the pages (lists, forms), the read side adds what each campaign and creator did over the same
"last 30 days" as every other page (reporting.periods)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from campaigns.qr import short_url
from campaigns.views.campaigns import CampaignsView
from campaigns.views.creators import CreatorView
from reporting.periods import PRESETS, period_from
from reporting.selectors.campaign_figures import campaigns_figures
from reporting.selectors.creator_page import creator_page
from reporting.values import Totals


class CampaignListView(CampaignsView):
    """The campaign list with each campaign's sales, link clicks and commission."""

    def render(
        self,
        request: HttpRequest,
        context: dict[str, Any] | None = None,
        template_name: str | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = dict(context or {})
        period, preset, error = period_from(request.GET)
        figures = campaigns_figures(campaigns=context.get("campaigns", []), period=period)
        for campaign in context.get("campaigns", []):
            campaign.figures = figures.get(campaign.pk, Totals())
        context.update(period=period, preset=preset, presets=PRESETS, period_error=error)
        return super().render(request, context, template_name=template_name, status=status)


class CreatorPageView(CreatorView):
    """A creator's page: their performance across campaigns, earnings by status, their links
    (and the profile form of the campaigns app)."""

    def render(
        self,
        request: HttpRequest,
        context: dict[str, Any] | None = None,
        template_name: str | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = dict(context or {})
        if "creator" in context:
            period, preset, error = period_from(request.GET)
            page = creator_page(
                creator=context["creator"],
                memberships=list(context.get("memberships", [])),
                period=period,
            )
            context.update(
                page=page,
                links=[(line, short_url(line.link.code)) for line in page.links],
                period=period,
                preset=preset,
                presets=PRESETS,
                period_error=error,
            )
        return super().render(request, context, template_name=template_name, status=status)
