"""Small helpers shared by the campaigns and creators pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

from attribution.models import Store
from campaigns.selectors import stores_usable
from tenancy.access import access_among
from tenancy.models import MANAGE_CAMPAIGNS
from tenancy.views.base import OrgView


def store_chosen(request: HttpRequest) -> tuple[Store | None, list[Store]]:
    """The usable store a create page names (?store= or the form's `store`; 404 for any
    other), else the only usable store, else None; and every usable store, for the picker."""
    stores = list(stores_usable())
    wanted = request.GET.get("store") or request.POST.get("store")
    if wanted:
        return access_among(stores, wanted), stores
    return (stores[0] if len(stores) == 1 else None), stores


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's errors next to the form's fields (the rest on top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class ManagerView(OrgView):
    """Anyone in the organisation may look; owners, admins and managers may change."""

    @property
    def can_manage(self) -> bool:
        return self.membership.role in MANAGE_CAMPAIGNS

    def require_manage(self) -> None:
        if not self.can_manage:
            raise PermissionDenied("Only owners, admins and managers can change campaigns.")

    def render(
        self,
        request: HttpRequest,
        context: dict[str, Any] | None = None,
        template_name: str | None = None,
        status: int = 200,
    ) -> HttpResponse:
        ctx = {"can_manage": self.can_manage, **(context or {})}
        return super().render(request, ctx, template_name=template_name, status=status)
