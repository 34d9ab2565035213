"""A campaign's links (copy, QR, clicks, enable/disable, generate) and the link checker."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from campaigns.checker import links_check
from campaigns.models import AffiliateLink
from campaigns.qr import qr_png, qr_svg, short_url
from campaigns.selectors import (
    campaign_creators_list,
    campaign_links,
    link_clicks_for,
    link_get,
    link_job_latest,
    link_sub_ids,
)
from campaigns.services import link_set_active, links_sync
from campaigns.services.links import links_missing_count
from campaigns.views.campaigns import CampaignMixin, _links_message
from campaigns.views.common import ManagerView, error_text

PAGE_SIZE = 100


class CampaignLinksView(CampaignMixin, ManagerView):
    template_name = "campaigns/links.html"

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self.campaign(campaign_id)
        creators = list(campaign_creators_list(campaign=campaign).order_by("creator__name"))
        try:
            creator_filter = int(request.GET.get("creator") or 0)
        except ValueError:
            creator_filter = 0
        links = campaign_links(campaign=campaign, campaign_creator_id=creator_filter or None)
        page = Paginator(links, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        clicks = link_clicks_for(link_ids=[link.pk for link in rows])
        job = link_job_latest(campaign=campaign)
        return self.render(
            request,
            {
                "campaign": campaign,
                "page": page,
                "rows": [(link, short_url(link.code), clicks.get(link.pk)) for link in rows],
                "creators": creators,
                "creator_filter": creator_filter,
                "missing": links_missing_count(campaign=campaign),
                "job": job,
            },
        )

    def post(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        """Make every missing link (inline when few, else a background job)."""
        campaign = self.campaign(campaign_id)
        self.require_manage()
        result = links_sync(campaign=campaign)
        if result == 0:
            messages.info(request, "Every creator already has a link for every product.")
        _links_message(request, result)
        return redirect("campaign-links", org_slug=self.organization.slug, campaign_id=campaign.pk)


class CampaignLinkJobView(CampaignMixin, ManagerView):
    """The campaign's latest link job as a fragment (templates/campaigns/_job.html), which the
    campaign and links pages poll while it runs: progress, then how it ended."""

    template_name = "campaigns/_job.html"

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self.campaign(campaign_id)
        job = link_job_latest(campaign=campaign)
        return self.render(request, {"campaign": campaign, "job": job, "job_finished": True})


class LinkMixin:
    def link(self, link_id: int) -> AffiliateLink:
        return link_get(link_id=link_id)


class LinkView(LinkMixin, ManagerView):
    template_name = "campaigns/link.html"

    def get(self, request: HttpRequest, link_id: int) -> HttpResponse:
        link = self.link(link_id)
        totals = link_clicks_for(link_ids=[link.pk]).get(link.pk)
        return self.render(
            request,
            {
                "link": link,
                "campaign": link.campaign,
                "short_url": short_url(link.code),
                "totals": totals,
                "sub_ids": link_sub_ids(link=link),
            },
        )

    def post(self, request: HttpRequest, link_id: int) -> HttpResponse:
        """Enable or disable the link (a disabled link answers 404)."""
        link = self.link(link_id)
        self.require_manage()
        active = request.POST.get("active") == "1"
        try:
            link_set_active(link=link, active=active)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"/l/{link.code} {'enabled' if active else 'disabled'}.")
        next_url = request.POST.get("next", "")
        if next_url.startswith(f"/o/{self.organization.slug}/") and "//" not in next_url:
            return redirect(next_url)
        return redirect("link", org_slug=self.organization.slug, link_id=link.pk)


class LinkQRView(LinkMixin, ManagerView):
    """The short link as a QR code: .svg or .png (?sub= adds a sub-id; ?download=1)."""

    def get(self, request: HttpRequest, link_id: int, fmt: str) -> HttpResponse:
        link = self.link(link_id)
        if fmt not in ("svg", "png"):
            raise Http404
        url = short_url(link.code, request.GET.get("sub", ""))
        if fmt == "svg":
            response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
        else:
            response = HttpResponse(qr_png(url), content_type="image/png")
        if request.GET.get("download"):
            response["Content-Disposition"] = f'attachment; filename="link-{link.code}.{fmt}"'
        response["Cache-Control"] = "private, max-age=3600"
        return response


class CampaignLinkCheckView(CampaignMixin, ManagerView):
    template_name = "campaigns/link_check.html"

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self.campaign(campaign_id)
        return self.render(
            request, {"campaign": campaign, "report": links_check(campaign=campaign)}
        )
