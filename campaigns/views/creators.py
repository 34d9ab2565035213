"""Creators: list and add, edit, import from CSV."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from campaigns.selectors import campaign_creator_get, campaign_creators_of
from campaigns.views.common import ManagerView, apply_errors, error_text
from creators.forms import CreatorForm, CreatorImportForm
from creators.invitations import portal_invitation_send
from creators.selectors import creator_get, creators_list
from creators.services import creator_create, creator_update, creators_import_csv
from tenancy.models import MANAGE_CAMPAIGNS, User

PAGE_SIZE = 50


class CreatorsView(ManagerView):
    template_name = "creators/creators.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, CreatorForm())

    def _page(self, request: HttpRequest, form: CreatorForm, status: int = 200) -> HttpResponse:
        query = request.GET.get("q", "").strip()[:100]
        page = Paginator(creators_list(query=query), PAGE_SIZE).get_page(request.GET.get("page"))
        return self.render(request, {"page": page, "form": form, "query": query}, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        self.require_manage()
        form = CreatorForm(request.POST)
        if form.is_valid():
            try:
                creator = creator_create(**form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{creator.name} added.")
                return redirect("creators", org_slug=self.organization.slug)
        return self._page(request, form, status=400)


class CreatorView(ManagerView):
    template_name = "creators/creator.html"

    def _page(self, request, creator, form, status=200):  # type: ignore[no-untyped-def]
        return self.render(
            request,
            {
                "creator": creator,
                "form": form,
                "memberships": list(campaign_creators_of(creator=creator)),
            },
            status=status,
        )

    def get(self, request: HttpRequest, creator_id: int) -> HttpResponse:
        creator = creator_get(creator_id=creator_id)
        form = CreatorForm(
            initial={
                "name": creator.name,
                "email": creator.email,
                "handle": creator.handle,
                "channels": creator.channels,
            }
        )
        return self._page(request, creator, form)

    def post(self, request: HttpRequest, creator_id: int) -> HttpResponse:
        creator = creator_get(creator_id=creator_id)
        self.require_manage()
        form = CreatorForm(request.POST)
        if form.is_valid():
            try:
                creator_update(creator=creator, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{creator.name} saved.")
                return redirect("creator", org_slug=self.organization.slug, creator_id=creator.pk)
        return self._page(request, creator, form, status=400)


class CreatorsImportView(ManagerView):
    allowed_roles = MANAGE_CAMPAIGNS
    template_name = "creators/import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, {"form": CreatorImportForm(), "errors": []})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CreatorImportForm(request.POST, request.FILES)
        errors: list[tuple[int, str]] = []
        if form.is_valid():
            result = creators_import_csv(data=form.cleaned_data["file"].read())
            if not result.errors:
                n = len(result.created)
                messages.success(request, f"{n} creator{'s' if n != 1 else ''} imported.")
                return redirect("creators", org_slug=self.organization.slug)
            errors = result.errors
        return self.render(request, {"form": form, "errors": errors}, status=400)


class CampaignCreatorPortalInviteView(ManagerView):
    """POST: email the campaign's creator a magic link to the creator portal."""

    allowed_roles = MANAGE_CAMPAIGNS
    http_method_names = ["post"]

    def post(
        self, request: HttpRequest, campaign_id: int, campaign_creator_id: int
    ) -> HttpResponse:
        cc = campaign_creator_get(campaign_id=campaign_id, campaign_creator_id=campaign_creator_id)
        try:
            invitation = portal_invitation_send(
                campaign_creator=cc, invited_by=cast(User, request.user)
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, f"Portal invitation sent to {cc.creator.name} ({invitation.email})."
            )
        return redirect("campaign", org_slug=self.organization.slug, campaign_id=campaign_id)
