"""A campaign's promoted products: add by ASIN, remove."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from campaigns.forms import ProductsForm
from campaigns.selectors import link_job_latest, product_get
from campaigns.services import (
    product_remove,
    products_add,
)
from campaigns.services.products import (
    MetadataUnavailable,
    products_lookup,
    products_metadata_refresh,
)
from campaigns.views.campaigns import CampaignMixin, CampaignView, _links_message
from campaigns.views.common import ManagerView, apply_errors
from tenancy.models import MANAGE_CAMPAIGNS

INLINE_METADATA = 20


class CampaignProductsView(CampaignView):
    """POST: add products (ASIN per line)."""

    allowed_roles = MANAGE_CAMPAIGNS
    http_method_names = ["post"]

    def post(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self.campaign(campaign_id)
        form = ProductsForm(request.POST)
        if form.is_valid():
            try:
                added = products_add(campaign=campaign, entries=form.entries())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if len(added) <= INLINE_METADATA:
                    # Amazon's title and picture at once (else the queued refresh brings them)
                    with contextlib.suppress(MetadataUnavailable):
                        products_metadata_refresh(store=campaign.store, products=added)
                messages.success(
                    request,
                    f"{len(added)} product{'s' if len(added) != 1 else ''} in the campaign.",
                )
                job = link_job_latest(campaign=campaign)
                if job and job.is_open:
                    _links_message(request, job)
                return self.back(campaign)
        return self.page(request, campaign, products_form=form, status=400)


class ProductRemoveView(CampaignMixin, ManagerView):
    allowed_roles = MANAGE_CAMPAIGNS
    http_method_names = ["post"]

    def post(self, request: HttpRequest, campaign_id: int, product_id: int) -> HttpResponse:
        campaign = self.campaign(campaign_id)
        product = product_get(campaign=campaign, product_id=product_id)
        product_remove(product=product)
        messages.success(request, f"{product.asin} removed; its links no longer redirect.")
        return self.back(campaign)


MAX_PREVIEWS = 5


class ProductLookupView(CampaignMixin, ManagerView):
    """htmx: what Amazon's catalog says about the ASINs typed into "Add products" (the first
    few lines), before anything is saved."""

    allowed_roles = MANAGE_CAMPAIGNS
    template_name = "campaigns/partials/product_lookup.html"

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self.campaign(campaign_id)
        lines = [line for line in request.GET.get("products", "").splitlines() if line.strip()]
        asins = []
        for line in lines[:MAX_PREVIEWS]:
            sep = "\t" if "\t" in line else ","
            asins.append(line.partition(sep)[0].strip())
        lookups = products_lookup(store=campaign.store, asins=asins)
        return self.render(
            request,
            {"campaign": campaign, "lookups": lookups, "more": max(0, len(lines) - MAX_PREVIEWS)},
        )
