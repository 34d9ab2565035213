"""Links as a CSV to send to creators: a campaign's (all, or one creator's in it) and one
creator's across campaigns. Anyone in the organisation may download what they may see."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.text import slugify

from campaigns.qr import short_url
from campaigns.selectors import campaign_get, links_to_send
from campaigns.views.common import ManagerView
from core.csv import csv_download, csv_stream, neutralise
from creators.selectors import creator_get
from tenancy.access import id_parse
from tenancy.scoping import tenant_scope

LINKS_CSV_HEADER = [
    "creator",
    "handle",
    "email",
    "campaign",
    "store",
    "asin",
    "product",
    "short_link",
    "amazon_url",
    "status",
]


def _links_csv(organization_id: int, filename: str, **which: Any) -> HttpResponseBase:
    def rows() -> Iterator[list[str]]:
        with tenant_scope(organization_id):
            for link in links_to_send(**which).iterator(chunk_size=1000):
                creator = link.campaign_creator.creator
                yield [
                    neutralise(creator.name),
                    neutralise(creator.handle),
                    neutralise(creator.email),
                    neutralise(link.campaign.name),
                    neutralise(str(link.store)),
                    link.product.asin if link.product else "",
                    neutralise(link.product.title) if link.product else "Store page",
                    short_url(link.code),
                    neutralise(link.destination_url),
                    "active" if link.is_active else "disabled",
                ]

    return csv_download(csv_stream(LINKS_CSV_HEADER, rows(), bom=True), filename=filename)


class CampaignLinksCsvView(ManagerView):
    """`?creator=<campaign creator id>` narrows it to one creator, as on the links page."""

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponseBase:
        campaign = campaign_get(campaign_id=campaign_id)
        cc_id = id_parse(request.GET.get("creator")) if request.GET.get("creator") else None
        name = slugify(campaign.name) or f"campaign-{campaign.pk}"
        return _links_csv(
            self.organization.pk,
            f"links-{name}{f'-{cc_id}' if cc_id else ''}.csv",
            campaign=campaign,
            campaign_creator_id=cc_id,
        )


class CreatorLinksCsvView(ManagerView):
    def get(self, request: HttpRequest, creator_id: int) -> HttpResponseBase:
        creator = creator_get(creator_id=creator_id)
        name = slugify(creator.name) or f"creator-{creator.pk}"
        return _links_csv(self.organization.pk, f"links-{name}.csv", creator=creator)
