"""The API keys page under /o/<org_slug>/settings/api-keys/: owners and admins create keys
(the key is shown once, on the page that answers the creation) and revoke them."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from api.models import KEY_ROLES, ApiKey
from api.selectors import api_key_get, api_keys_list
from api.services import api_key_create, api_key_revoke
from tenancy.models import MANAGE_MEMBERS, User
from tenancy.views.base import OrgView


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. “Accounting sync”.")
    role = forms.ChoiceField(
        choices=KEY_ROLES,
        initial="viewer",
        help_text="What the key may do, like a member with that role.",
    )


class ApiKeysView(OrgView):
    allowed_roles = MANAGE_MEMBERS
    template_name = "api/api_keys.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, ApiKeyForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            try:
                key, raw = api_key_create(
                    name=form.cleaned_data["name"],
                    role=form.cleaned_data["role"],
                    created_by=cast(User, request.user),
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                response = self._page(request, ApiKeyForm(), new_key=raw, created=key)
                response["Cache-Control"] = "no-store"
                return response
        return self._page(request, form, status=400)

    def _page(
        self,
        request: HttpRequest,
        form: ApiKeyForm,
        status: int = 200,
        new_key: str = "",
        created: ApiKey | None = None,
    ) -> HttpResponse:
        keys = api_keys_list()
        return self.render(
            request,
            {"form": form, "keys": keys, "new_key": new_key, "created": created},
            status=status,
        )


class ApiKeyRevokeView(OrgView):
    allowed_roles = MANAGE_MEMBERS

    def post(self, request: HttpRequest, key_id: int) -> HttpResponse:
        key = api_key_get(api_key_id=key_id)
        api_key_revoke(api_key=key, user=cast(User, request.user))
        messages.success(request, f"Revoked “{key.name}”: it no longer works.")
        return redirect("api-keys", self.organization.slug)
