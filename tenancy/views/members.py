"""Organisation home and the members page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from tenancy.forms import InvitationForm, RoleForm
from tenancy.models import MANAGE_MEMBERS
from tenancy.selectors import invitation_get, invitations_open, members_list, membership_get
from tenancy.services import (
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_remove,
)
from tenancy.views.base import OrgView


def _first_error(exc: ValidationError) -> str:
    return "; ".join(m for m in exc.messages)


class MembersView(OrgView):
    template_name = "tenancy/members.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, InvitationForm())

    def _page(self, request: HttpRequest, form: InvitationForm, status: int = 200) -> HttpResponse:
        can_manage = self.membership.role in MANAGE_MEMBERS
        return self.render(
            request,
            {
                "members": members_list(),
                "invitations": invitations_open() if can_manage else [],
                "form": form,
                "can_manage": can_manage,
                "roles": RoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if self.membership.role not in MANAGE_MEMBERS:
            raise Http404
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = invitation_create(
                    organization=self.organization,
                    invited_by=request.user,  # type: ignore[arg-type]
                    actor_role=self.membership.role,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("members", org_slug=self.organization.slug)
        return self._page(request, form, status=400)


class MemberDetailView(OrgView):
    """POST only: change a member's role or remove them."""

    allowed_roles = MANAGE_MEMBERS

    def post(self, request: HttpRequest, membership_id: int) -> HttpResponse:
        membership = membership_get(membership_id=membership_id)
        try:
            if request.POST.get("action") == "remove":
                membership_remove(actor=self.membership, membership=membership)
                messages.success(request, f"{membership.user.email} was removed.")
            else:
                form = RoleForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("Pick a valid role.")
                changed = membership_change_role(
                    actor=self.membership, membership=membership, role=form.cleaned_data["role"]
                )
                messages.success(request, f"{membership.user.email} is now {changed.role}.")
        except ValidationError as exc:
            messages.error(request, _first_error(exc))
        if membership.user_id == request.user.pk and request.POST.get("action") == "remove":
            return redirect("home")
        return redirect("members", org_slug=self.organization.slug)


class InvitationRevokeView(OrgView):
    allowed_roles = MANAGE_MEMBERS

    def post(self, request: HttpRequest, invitation_id: int) -> HttpResponse:
        invitation = invitation_get(invitation_id=invitation_id)
        invitation_revoke(invitation=invitation)
        messages.success(request, f"Invitation for {invitation.email} withdrawn.")
        return redirect("members", org_slug=self.organization.slug)
