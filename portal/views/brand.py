"""One brand's pages of the portal: the creator's campaigns, links and numbers; one link with
its QR code, sub-ID builder and per-sub-ID clicks; earnings and their CSV."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from campaigns.clicks.handoff import SUB_RE
from campaigns.models import AffiliateLink
from campaigns.qr import qr_png, qr_svg, short_url
from commissions.selectors.earnings import STATUS_ORDER, earnings_month, earnings_summary
from core.csv import csv_download
from core.months import month_parse
from portal.exports import earnings_csv
from portal.selectors import portal_campaigns, portal_link_get
from portal.selectors.numbers import creator_numbers, link_numbers
from portal.views.base import PortalView
from reporting.periods import PRESETS, period_from

SUB_HELP = "1 to 64 letters, digits, hyphens or underscores, e.g. ig-bio or tiktok-0412."


class BrandView(PortalView):
    """The creator's campaigns with their links (copy), and their numbers per store."""

    template_name = "portal/brand.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        campaigns = portal_campaigns(creator=self.creator)
        # the brand's "last 30 days", as its staff pages show it (reporting.periods); clicks
        # of today are shown on their own
        period, preset, error = period_from(request.GET)
        numbers = creator_numbers(creator=self.creator, period=period)
        figures = {f.campaign_creator.pk: f for n in numbers for f in n.campaigns}
        return self.render(
            request,
            {
                "campaigns": [
                    (
                        c,
                        figures.get(c.campaign_creator.pk),
                        [(link, short_url(link.code)) for link in c.links],
                    )
                    for c in campaigns
                ],
                "numbers": numbers,
                "period": period,
                "preset": preset,
                "presets": PRESETS,
                "period_error": error,
                "tab": "links",
            },
        )


class LinkMixin(PortalView):
    def link(self, link_id: int) -> AffiliateLink:
        return portal_link_get(creator=self.creator, link_id=link_id)


class LinkView(LinkMixin):
    """One link: copy, QR, the sub-ID builder (?sub=) and the link's numbers."""

    template_name = "portal/link.html"

    def get(self, request: HttpRequest, link_id: int) -> HttpResponse:
        link = self.link(link_id)
        period, preset, error = period_from(request.GET)
        sub = request.GET.get("sub", "").strip()
        sub_error = "" if not sub or SUB_RE.match(sub) else f"Use {SUB_HELP}"
        return self.render(
            request,
            {
                "link": link,
                "campaign": link.campaign,
                "short_url": short_url(link.code),
                "sub": sub,
                "sub_ok": bool(sub) and not sub_error,
                "sub_url": short_url(link.code, sub) if sub and not sub_error else "",
                "sub_error": sub_error,
                "sub_help": SUB_HELP,
                "numbers": link_numbers(link=link, period=period),
                "period": period,
                "preset": preset,
                "presets": PRESETS,
                "period_error": error,
                "tab": "links",
            },
            status=400 if sub_error else 200,
        )


class LinkQRView(LinkMixin):
    """The link (with ?sub=) as a QR code, SVG or PNG (?download=1 to save it)."""

    def get(self, request: HttpRequest, link_id: int, fmt: str) -> HttpResponse:
        link = self.link(link_id)
        if fmt not in ("svg", "png"):
            raise Http404
        sub = request.GET.get("sub", "")
        url = short_url(link.code, sub)
        if fmt == "svg":
            response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
        else:
            response = HttpResponse(qr_png(url), content_type="image/png")
        if request.GET.get("download"):
            suffix = f"-{sub}" if sub and SUB_RE.match(sub) else ""
            response["Content-Disposition"] = (
                f'attachment; filename="link-{link.code}{suffix}.{fmt}"'
            )
        response["Cache-Control"] = "private, max-age=3600"
        return response


class EarningsView(PortalView):
    """Earnings by status and month (per currency), and one month's lines with their
    settlement dates and adjustments."""

    template_name = "portal/earnings.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        summary = earnings_summary(creator_id=self.creator.pk)
        months = sorted({m.month for m in summary.months}, reverse=True)
        month = month_parse(request.GET.get("month"))
        if month not in months:
            month = months[0] if months else None
        return self.render(
            request,
            {
                "summary": summary,
                "months": months,
                "month": month,
                "lines": earnings_month(creator_id=self.creator.pk, month=month) if month else [],
                "statuses": STATUS_ORDER,
                "tab": "earnings",
            },
        )


class EarningsCSVView(PortalView):
    def get(self, request: HttpRequest) -> StreamingHttpResponse:
        return csv_download(
            earnings_csv(organization_id=self.organization.pk, creator_id=self.creator.pk),
            filename=f"earnings-{self.organization.slug}-{timezone.localdate():%Y-%m-%d}.csv",
            cache_control="private, no-store",
        )
