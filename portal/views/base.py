"""The base of every page of one brand in the portal (/portal/b/<brand_slug>/...): the brand is
resolved from the URL once (tenancy.access), the account's creator profile in it is found
inside the brand's tenant scope, and anything that is not the account's answers 404, as on the
staff side (tenancy.views.base.OrgView). Subclasses implement get/post, never dispatch."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from creators.models import Creator
from creators.selectors import portal_brands_for_user
from portal.selectors import portal_creator_for_user
from tenancy.access import organization_activate
from tenancy.models import Organization, User
from tenancy.replica import ReplicaReadsMixin

NOT_FOUND = "No such brand."


class PortalView(ReplicaReadsMixin):
    template_name: ClassVar[str | None] = None

    organization: Organization
    creator: Creator

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        organization = organization_activate(slug=kwargs.pop("brand_slug"), message=NOT_FOUND)
        creator = portal_creator_for_user(user=cast(User, request.user))
        if creator is None:
            raise Http404(NOT_FOUND)
        self.organization = organization
        self.creator = creator
        response = cast(HttpResponse, super().dispatch(request, *args, **kwargs))
        # Render while the tenant is in scope: lazy template rendering would run after it.
        render_now = getattr(response, "render", None)
        if callable(render_now) and not getattr(response, "is_rendered", True):
            render_now()
        return response

    def render(
        self,
        request: HttpRequest,
        context: dict[str, Any] | None = None,
        template_name: str | None = None,
        status: int = 200,
    ) -> HttpResponse:
        name = template_name or self.template_name
        assert name, "set template_name"
        ctx = {
            "brand": self.organization,
            "creator": self.creator,
            "brands": lambda: portal_brands_for_user(user=cast(User, request.user)),
            **(context or {}),
        }
        return render(request, name, ctx, status=status)
