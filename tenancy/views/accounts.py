"""Sign-in landing and invitation acceptance (pages outside any one organisation)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tenancy.forms import SignupForm
from tenancy.scoping import tenant_scope
from tenancy.selectors import invitation_open_get, user_get_by_email
from tenancy.services import (
    InvitationInvalid,
    invitation_accept,
    invitation_accept_signup,
    invitation_from_token,
)


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        org_id, invitation_id = invitation_from_token(token=token)
    except InvitationInvalid as exc:
        return render(request, "tenancy/invitation_invalid.html", {"reason": str(exc)}, status=400)

    with tenant_scope(org_id):
        invitation = invitation_open_get(invitation_id=invitation_id)
        if invitation is None:
            reason = "This invitation was already used or withdrawn."
            return render(
                request, "tenancy/invitation_invalid.html", {"reason": reason}, status=400
            )
        existing = user_get_by_email(email=invitation.email)
        ctx = {"invitation": invitation, "organization": invitation.organization}

        if request.user.is_authenticated or existing is not None:
            if not request.user.is_authenticated:
                messages.info(request, f"Sign in as {invitation.email} to accept the invitation.")
                return redirect(f"/accounts/login/?next={request.path}")
            if request.method == "POST":
                try:
                    invitation_accept(invitation=invitation, user=request.user)  # type: ignore[arg-type]
                except InvitationInvalid as exc:
                    return render(
                        request, "tenancy/invitation_invalid.html", {"reason": str(exc)}, status=400
                    )
                messages.success(request, f"Welcome to {invitation.organization.name}.")
                return redirect("org-home", org_slug=invitation.organization.slug)
            return render(request, "tenancy/invitation_accept.html", ctx)

        form = SignupForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = invitation_accept_signup(
                    invitation=invitation,
                    password=form.cleaned_data["password1"],
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:  # an address that looks like an account's
                reason = " ".join(exc.messages)
                return render(
                    request, "tenancy/invitation_invalid.html", {"reason": reason}, status=400
                )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invitation.organization.name}.")
            return redirect("org-home", org_slug=invitation.organization.slug)
        return render(request, "tenancy/invitation_signup.html", {**ctx, "form": form})
