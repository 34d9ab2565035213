"""Campaigns: list, create (choosing or creating the tracking plan), detail, edit, products
and the creators in the campaign."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from attribution.models import Store
from campaigns.checker import links_check
from campaigns.forms import NEW_PLAN, CampaignCreatorsAddForm, CampaignForm, ProductsForm
from campaigns.models import Campaign, CampaignCreator, LinkJob, TrackingPlan
from campaigns.selectors import (
    campaign_click_totals,
    campaign_creators_list,
    campaign_get,
    campaign_id_shared,
    campaign_terms_history,
    campaigns_list,
    creators_available,
    link_job_latest,
    stores_usable,
    tracking_plans_usable,
)
from campaigns.services import (
    campaign_create,
    campaign_update,
    store_publishers,
    tracking_plan_create,
)
from campaigns.views.common import ManagerView, apply_errors, error_text, store_chosen
from creators.selectors import portal_invitations_latest
from tenancy.models import MANAGE_CAMPAIGNS, User

CHECK_INLINE_LIMIT = 2000


def _links_message(request: HttpRequest, result: int | LinkJob) -> None:
    if isinstance(result, LinkJob):
        messages.info(
            request, f"Making {result.total} links in the background; progress is on the page."
        )
    elif result:
        messages.success(request, f"{result} link{'s' if result != 1 else ''} made.")


class CampaignsView(ManagerView):
    template_name = "campaigns/campaigns.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "")
        if status not in Campaign.Status.values:
            status = ""
        return self.render(
            request,
            {
                "campaigns": list(campaigns_list(status=status)),
                "status": status,
                "statuses": Campaign.Status.choices,
                "has_stores": stores_usable().exists(),
            },
        )


class CampaignCreateView(ManagerView):
    allowed_roles = MANAGE_CAMPAIGNS
    template_name = "campaigns/campaign_form.html"

    def _form(self, store: Store, data: Any = None) -> tuple[CampaignForm, str]:
        plans = tracking_plans_usable(store_id=store.pk)
        publishers, amazon_error = None, ""
        try:
            publishers = store_publishers(store=store)
        except ValidationError as exc:
            amazon_error = error_text(exc)
        initial = {
            "starts_on": timezone.localdate(),
            "status": Campaign.Status.DRAFT,
            "track_sales": True,
            "settlement_days": 30,
            "commission_basis": Campaign.CommissionBasis.PROMOTED,
            "tracking_plan": str(plans[0].pk)
            if len(plans) == 1
            else (NEW_PLAN if not plans else ""),
        }
        return CampaignForm(data, plans=plans, publishers=publishers, initial=initial), amazon_error

    def _page(self, request, store, stores, form=None, amazon_error="", status=200):  # type: ignore[no-untyped-def]
        return self.render(
            request,
            {
                "store": store,
                "stores": stores,
                "form": form,
                "amazon_error": amazon_error,
                "new_plan": NEW_PLAN,
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        store, stores = store_chosen(request)
        if store is None:
            return self._page(request, None, stores)
        form, amazon_error = self._form(store)
        return self._page(request, store, stores, form, amazon_error)

    def post(self, request: HttpRequest) -> HttpResponse:
        store, stores = store_chosen(request)
        if store is None:
            return self._page(request, None, stores, status=400)
        form, amazon_error = self._form(store, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            choice = data.pop("tracking_plan")
            publisher = data.pop("new_plan_publisher", None)
            plan_name = data.pop("new_plan_name", None)
            try:
                # One savepoint: a campaign that fails validation leaves no new plan behind.
                with transaction.atomic():
                    plan = form.chosen_plan
                    if choice == NEW_PLAN:
                        plan = self._new_plan(store, publisher or "", plan_name or "")
                    assert plan is not None
                    campaign = campaign_create(store=store, tracking_plan=plan, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"Campaign “{campaign.name}” created. Add products and creators."
                )
                return redirect(
                    "campaign", org_slug=self.organization.slug, campaign_id=campaign.pk
                )
        return self._page(request, store, stores, form, amazon_error, status=400)

    def _new_plan(self, store: Store, publisher: str, name: str) -> TrackingPlan:
        try:
            return tracking_plan_create(store=store, publisher_id=publisher, name=name)
        except ValidationError as exc:
            field = "new_plan_name" if "name" in getattr(exc, "error_dict", {}) else None
            raise ValidationError({field or "new_plan_publisher": exc.messages}) from exc


def _with_lookup(form: ProductsForm, campaign: Campaign, org_slug: str) -> ProductsForm:
    """The "Add products" box asks Amazon about what is typed (htmx), before saving."""
    url = reverse(
        "campaign-product-lookup",
        kwargs={"org_slug": org_slug, "campaign_id": campaign.pk},
    )
    form.fields["products"].widget.attrs.update(
        {
            "hx-get": url,
            "hx-trigger": "input changed delay:400ms, load",
            "hx-target": "#product-preview",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }
    )
    return form


class CampaignMixin:
    organization: Any

    def campaign(self, campaign_id: int) -> Campaign:
        return campaign_get(campaign_id=campaign_id)

    def back(self, campaign: Campaign) -> HttpResponse:
        return redirect("campaign", org_slug=self.organization.slug, campaign_id=campaign.pk)


class CampaignView(CampaignMixin, ManagerView):
    template_name = "campaigns/campaign.html"

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self.campaign(campaign_id)
        return self.page(request, campaign)

    def page(
        self,
        request: HttpRequest,
        campaign: Campaign,
        products_form: ProductsForm | None = None,
        creators_form: CampaignCreatorsAddForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        in_campaign = list(campaign_creators_list(campaign=campaign))
        link_count = campaign.links.filter(is_active=True).count()
        # Checking is cheap per link; on big campaigns it waits for the "Check links" page.
        check = (
            links_check(campaign=campaign, ask_amazon=False)
            if link_count <= CHECK_INLINE_LIMIT
            else None
        )
        available = creators_available(campaign=campaign).order_by("name")
        return self.render(
            request,
            {
                "campaign": campaign,
                "products": list(campaign.products.order_by("removed_at", "pk")),
                "campaign_creators": in_campaign,
                "products_form": _with_lookup(
                    products_form or ProductsForm(), campaign, self.organization.slug
                ),
                "creators_form": creators_form or CampaignCreatorsAddForm(available=available),
                "has_available": available.exists() or bool(creators_form and creators_form.errors),
                "totals": campaign_click_totals(campaign=campaign),
                "shared_id": campaign_id_shared(campaign=campaign),
                "link_count": link_count,
                "check": check,
                "job": link_job_latest(campaign=campaign),
                "statuses": CampaignCreator.Status.choices,
                "history": campaign_terms_history(campaign=campaign),
                "portal_invitations": portal_invitations_latest(
                    creator_ids=[cc.creator_id for cc in in_campaign]
                ),
            },
            status=status,
        )


class CampaignEditView(CampaignMixin, ManagerView):
    allowed_roles = MANAGE_CAMPAIGNS
    template_name = "campaigns/campaign_edit.html"

    def _form(self, campaign: Campaign, data: Any = None) -> CampaignForm:
        plans = tracking_plans_usable(store_id=campaign.store_id)
        if campaign.tracking_plan not in plans:
            plans.insert(0, campaign.tracking_plan)
        initial = {name: getattr(campaign, name) for name in Campaign.EDITABLE_FIELDS}
        initial["terms_from"] = campaign.store.today()
        initial["tracking_plan"] = str(campaign.tracking_plan_id)
        initial["store_page"] = campaign.store_page_id
        return CampaignForm(data, plans=plans, publishers=None, editing=True, initial=initial)

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self.campaign(campaign_id)
        return self.render(request, {"campaign": campaign, "form": self._form(campaign)})

    def post(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self.campaign(campaign_id)
        form = self._form(campaign, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("tracking_plan")
            store_page = data.pop("store_page")
            try:
                campaign_update(
                    campaign=campaign,
                    tracking_plan=form.chosen_plan,
                    store_page=store_page,
                    changed_by=cast(User, request.user),
                    **data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Campaign saved.")
                return self.back(campaign)
        return self.render(request, {"campaign": campaign, "form": form}, status=400)
