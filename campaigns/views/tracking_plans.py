"""Tracking plans: list, create (publisher → tag from Amazon), rename, archive, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from campaigns.forms import TrackingPlanCreateForm, TrackingPlanRenameForm
from campaigns.selectors import stores_usable, tracking_plan_get, tracking_plans_list
from campaigns.services import (
    store_publishers,
    tracking_plan_archive,
    tracking_plan_create,
    tracking_plan_delete,
    tracking_plan_refresh_tag,
    tracking_plan_rename,
    tracking_plan_unarchive,
)
from campaigns.views.common import ManagerView, apply_errors, error_text, store_chosen
from tenancy.models import MANAGE_CAMPAIGNS


class TrackingPlansView(ManagerView):
    template_name = "campaigns/tracking_plans.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(
            request, {"plans": list(tracking_plans_list()), "stores": list(stores_usable())}
        )


class TrackingPlanCreateView(ManagerView):
    """GET ?store=<id>: the store's publishers from Amazon; POST: fetch the tag, keep it."""

    allowed_roles = MANAGE_CAMPAIGNS
    template_name = "campaigns/tracking_plan_form.html"

    def _page(self, request, store, stores, form=None, status=200):  # type: ignore[no-untyped-def]
        publishers, amazon_error = [], ""
        if store is not None and form is None:
            try:
                publishers = store_publishers(store=store)
            except ValidationError as exc:
                amazon_error = error_text(exc)
            form = TrackingPlanCreateForm(publishers=publishers)
        return self.render(
            request,
            {"store": store, "stores": stores, "form": form, "amazon_error": amazon_error},
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        store, stores = store_chosen(request)
        return self._page(request, store, stores)

    def post(self, request: HttpRequest) -> HttpResponse:
        store, stores = store_chosen(request)
        if store is None:
            return self._page(request, None, stores, status=400)
        try:
            publishers = store_publishers(store=store)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return self._page(request, store, stores, status=502)
        form = TrackingPlanCreateForm(request.POST, publishers=publishers)
        if form.is_valid():
            try:
                plan = tracking_plan_create(store=store, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"Tracking plan “{plan.name}” created; Amazon issued its tag."
                )
                return redirect("tracking-plan", org_slug=self.organization.slug, plan_id=plan.pk)
        return self._page(request, store, stores, form=form, status=400)


class TrackingPlanView(ManagerView):
    template_name = "campaigns/tracking_plan.html"

    def get(self, request: HttpRequest, plan_id: int) -> HttpResponse:
        plan = tracking_plan_get(tracking_plan_id=plan_id)
        return self._page(request, plan, TrackingPlanRenameForm(initial={"name": plan.name}))

    def _page(self, request, plan, form, status=200):  # type: ignore[no-untyped-def]
        campaigns = list(plan.campaigns.order_by("-starts_on"))
        return self.render(
            request, {"plan": plan, "form": form, "campaigns": campaigns}, status=status
        )

    def post(self, request: HttpRequest, plan_id: int) -> HttpResponse:
        plan = tracking_plan_get(tracking_plan_id=plan_id)
        self.require_manage()
        action = request.POST.get("action", "rename")
        slug = self.organization.slug
        try:
            if action == "rename":
                form = TrackingPlanRenameForm(request.POST)
                if not form.is_valid():
                    return self._page(request, plan, form, status=400)
                try:
                    tracking_plan_rename(plan=plan, name=form.cleaned_data["name"])
                except ValidationError as exc:
                    apply_errors(form, exc)
                    return self._page(request, plan, form, status=400)
                messages.success(request, "Tracking plan renamed.")
            elif action == "archive":
                tracking_plan_archive(plan=plan)
                messages.success(request, f"“{plan.name}” archived; new campaigns cannot use it.")
            elif action == "unarchive":
                tracking_plan_unarchive(plan=plan)
                messages.success(request, f"“{plan.name}” is back in use.")
            elif action == "refresh":
                tracking_plan_refresh_tag(plan=plan)
                messages.success(request, "Amazon issued the tag again.")
            elif action == "delete":
                tracking_plan_delete(plan=plan)
                messages.success(request, f"“{plan.name}” deleted.")
                return redirect("tracking-plans", org_slug=slug)
            else:
                messages.error(request, "Unknown action.")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("tracking-plan", org_slug=slug, plan_id=plan.pk)
