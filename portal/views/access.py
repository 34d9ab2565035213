"""Portal pages outside any one brand: the home (the account's brands), the magic link that
signs a creator in, and setting a password."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from commissions.selectors.earnings import earnings_summary
from creators.invitations import (
    PortalInvitationInvalid,
    portal_invitation_check,
    portal_invitation_spend,
)
from creators.selectors import portal_brands_for_user
from portal.services import portal_may_set_password_freely, portal_session_remember
from tenancy.models import User
from tenancy.scoping import tenant_scope
from tenancy.selectors import memberships_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One organisation: go there. A creator with no organisation: the creator portal.
    Several places (or none): pick one."""
    memberships = memberships_for_user(user=request.user)  # type: ignore[arg-type]
    has_portal = bool(portal_brands_for_user(user=request.user))  # type: ignore[arg-type]
    if len(memberships) == 1 and not has_portal:
        return redirect("org-home", org_slug=memberships[0].organization.slug)
    if not memberships and has_portal:
        return redirect("portal-home")
    return render(
        request,
        "tenancy/pick_organization.html",
        {"memberships": memberships, "has_portal": has_portal},
    )


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    """The account's brands, each with its own earnings (never added up across brands). One
    brand: straight to it."""
    user = cast(User, request.user)
    brands = portal_brands_for_user(user=user)
    portal_session_remember(request=request, user=user)
    if len(brands) == 1:
        return redirect("portal-brand", brand_slug=brands[0].organization.slug)
    cards = []
    for brand in brands:
        with tenant_scope(brand.organization):
            cards.append((brand, earnings_summary(creator_id=brand.creator_id)))
    return render(request, "portal/home.html", {"cards": cards, "brands": brands})


@never_cache
@require_http_methods(["GET", "POST"])
def portal_signin(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows whom the link signs in (link scanners in mail clients only GET, so they
    cannot spend it); POST spends it and signs in (or, for an account that signs in with a
    password and did so in this browser, adds the profile to it)."""
    signed_in = cast(User, request.user) if request.user.is_authenticated else None
    try:
        if request.method == "POST":
            user = portal_invitation_spend(token=token, signed_in=signed_in)
        else:
            invitation = portal_invitation_check(token=token)
    except PortalInvitationInvalid as exc:
        return render(request, "portal/signin_invalid.html", {"reason": str(exc)}, status=400)
    if request.method == "GET":
        return render(request, "portal/signin.html", {"invitation": invitation})
    if signed_in is not None and signed_in.pk == user.pk:
        portal_session_remember(request=request, user=user)
    else:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if not user.has_usable_password():
        messages.success(request, "You're signed in. Set a password to sign in without a link.")
        return redirect("portal-password")
    messages.success(request, "You're signed in.")
    return redirect("portal-home")


@login_required
@require_http_methods(["GET", "POST"])
def portal_password(request: HttpRequest) -> HttpResponse:
    """Set a password (an account without one yet), else change it (the old one needed)."""
    user = cast(User, request.user)
    freely = portal_may_set_password_freely(user=user)
    form_class = SetPasswordForm if freely else PasswordChangeForm
    form = form_class(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Password saved. Sign in with your email and it from now on.")
        return redirect("portal-home")
    return render(
        request,
        "portal/password.html",
        {
            "form": form,
            "freely": freely,
            "brands": lambda: portal_brands_for_user(user=user),
        },
        status=400 if request.method == "POST" else 200,
    )
