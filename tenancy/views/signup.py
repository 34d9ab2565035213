"""Self-serve sign-up pages (tenancy/signup.py): 404 when SIGNUP_OPEN is off."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tenancy.client_ip import client_ip
from tenancy.forms import SignupCompleteForm, SignupStartForm
from tenancy.signup import (
    SignupInvalid,
    signup_complete,
    signup_email_from_token,
    signup_request,
)


def _require_open() -> None:
    if not settings.SIGNUP_OPEN:
        raise Http404("Sign-up is by invitation on this installation.")


@require_http_methods(["GET", "POST"])
def signup_view(request: HttpRequest) -> HttpResponse:
    _require_open()
    if request.user.is_authenticated:
        messages.info(request, f"You are signed in as {request.user.email}.")  # type: ignore[union-attr]
        return redirect("home")
    form = SignupStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        signup_request(email=email, client_address=client_ip(request))
        return render(request, "registration/signup_sent.html", {"email": email})
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def signup_complete_view(request: HttpRequest, token: str) -> HttpResponse:
    _require_open()
    try:
        email = signup_email_from_token(token=token)
    except SignupInvalid as exc:
        return render(request, "registration/signup_invalid.html", {"reason": str(exc)}, status=400)
    form = SignupCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org, owner = signup_complete(
                token=token,
                name=data["name"],
                password=data["password1"],
                organization_name=data["organization_name"],
                slug=data["slug"],
            )
        except SignupInvalid as exc:
            return render(
                request, "registration/signup_invalid.html", {"reason": str(exc)}, status=400
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = {"name": "organization_name"}.get(field, field)
                form.add_error(target if target in form.fields else None, errors)
        else:
            login(request, owner, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {org.name}. Here is what to set up first.")
            return redirect("org-home", org_slug=org.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "registration/signup_complete.html", {"form": form, "email": email}, status=status
    )
