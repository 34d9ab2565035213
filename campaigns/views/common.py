"""Small helpers shared by the campaigns and creators pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse

from tenancy.models import MANAGE_CAMPAIGNS
from tenancy.views.base import OrgView


def found_or_404(obj: Any) -> Any:
    """Missing and another tenant's look the same."""
    if obj is None:
        raise Http404
    return obj


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
