"""Base views: the tenant is resolved from the URL once, membership and role are checked
before any handler runs, and subclasses cannot skip it (they implement get/post, never
dispatch). Another tenant's URL and a missing one both answer 404 (tenancy.access)."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from tenancy.access import access_organization_by_slug
from tenancy.models import ANY_ROLE, Membership, Organization, User


class OrgView(View):
    """Every page under /o/<org_slug>/ derives from this."""

    allowed_roles: ClassVar[frozenset[str]] = ANY_ROLE
    template_name: ClassVar[str | None] = None

    organization: Organization
    membership: Membership

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        organization, membership = access_organization_by_slug(
            user=cast(User, request.user), slug=kwargs.pop("org_slug")
        )
        if membership.role not in self.allowed_roles:
            raise PermissionDenied("Your role does not allow this page.")
        self.organization = organization
        self.membership = membership
        request.organization = organization  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
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
        ctx = {"organization": self.organization, "membership": self.membership, **(context or {})}
        return render(request, name, ctx, status=status)
