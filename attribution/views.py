"""Organisation settings → Amazon Ads: connect (OAuth), pick profiles, disconnect."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from attribution import amazon
from attribution.models import Region, Store
from attribution.selectors import (
    connection_get,
    connections_list,
    held_changes,
    store_get,
    store_sync_overview,
    sync_run_get,
)
from attribution.services import (
    ConnectError,
    connection_disconnect,
    connection_profiles,
    oauth_complete,
    oauth_start,
    oauth_state_verify,
    store_access_recheck,
    stores_create,
)
from attribution.sync.lease import SyncBusy
from attribution.sync.schedule import store_request_sync
from attribution.sync.service import HeldRunGone, held_run_apply
from tenancy.access import access_membership
from tenancy.models import MANAGE_CAMPAIGNS, MANAGE_MEMBERS, User
from tenancy.scoping import tenant_scope
from tenancy.selectors import organization_get
from tenancy.views.base import OrgView


def _redirect_uri() -> str:
    return settings.SITE_URL + reverse("amazon-callback")


class AmazonSettingsView(OrgView):
    template_name = "attribution/settings.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        connections = connections_list()
        return self.render(
            request,
            {
                "connections": connections,
                "regions": Region.choices,
                "can_manage": self.membership.role in MANAGE_MEMBERS,
                "sandbox": bool(settings.AMAZON_SANDBOX_URL),
            },
        )


class AmazonConnectView(OrgView):
    """POST region (and optionally a connection to reconnect) → Login with Amazon."""

    allowed_roles = MANAGE_MEMBERS

    def post(self, request: HttpRequest) -> HttpResponse:
        connection = None
        if request.POST.get("connection"):
            connection = connection_get(connection_id=request.POST["connection"])
        region = connection.region if connection else request.POST.get("region", "")
        try:
            url = oauth_start(
                organization=self.organization,
                session=request.session,
                region=region,
                redirect_uri=_redirect_uri(),
                connection=connection,
            )
        except ConnectError as exc:
            messages.error(request, exc.message)
            return redirect("amazon-settings", org_slug=self.organization.slug)
        return redirect(url)


class AmazonDisconnectView(OrgView):
    allowed_roles = MANAGE_MEMBERS

    def post(self, request: HttpRequest, connection_id: int) -> HttpResponse:
        connection = connection_get(connection_id=connection_id)
        connection_disconnect(connection=connection)
        messages.success(request, "Amazon Ads disconnected. Your stores and their data are kept.")
        return redirect("amazon-settings", org_slug=self.organization.slug)


class AmazonProfilesView(OrgView):
    """Pick which advertising profiles become stores."""

    allowed_roles = MANAGE_MEMBERS
    template_name = "attribution/profiles.html"

    def get(self, request: HttpRequest, connection_id: int) -> HttpResponse:
        connection = connection_get(connection_id=connection_id)
        try:
            profiles = connection_profiles(connection=connection)
        except ConnectError as exc:
            messages.error(request, exc.message)
            return redirect("amazon-settings", org_slug=self.organization.slug)
        return self.render(request, {"connection": connection, "profiles": profiles})

    def post(self, request: HttpRequest, connection_id: int) -> HttpResponse:
        connection = connection_get(connection_id=connection_id)
        try:
            ids = [int(v) for v in request.POST.getlist("profile")]
        except ValueError:
            ids = []
        if not ids:
            messages.error(request, "Pick at least one profile.")
            return redirect(
                "amazon-profiles", org_slug=self.organization.slug, connection_id=connection.pk
            )
        try:
            stores = stores_create(connection=connection, profile_ids=ids)
        except ConnectError as exc:
            messages.error(request, exc.message)
            return redirect("amazon-settings", org_slug=self.organization.slug)
        ok = [s for s in stores if s.status == Store.Status.ACTIVE]
        messages.success(request, f"{len(ok)} store(s) connected.")
        for store in stores:
            if store.status == Store.Status.INELIGIBLE:
                messages.warning(request, f"{store}: {store.status_message}")
        return redirect("amazon-settings", org_slug=self.organization.slug)


@login_required
def amazon_callback(request: HttpRequest) -> HttpResponse:
    """Login with Amazon redirects here (one registered URL for every organisation)."""
    try:
        state = oauth_state_verify(state=request.GET.get("state", ""), session=request.session)
    except ConnectError as exc:
        return render(
            request, "attribution/connect_failed.html", {"reason": exc.message}, status=400
        )
    organization = organization_get(organization_id=state.organization_id)
    with tenant_scope(organization):
        membership = access_membership(user=cast(User, request.user))
        if membership.role not in MANAGE_CAMPAIGNS | MANAGE_MEMBERS:
            raise Http404
        settings_url = reverse("amazon-settings", kwargs={"org_slug": organization.slug})
        if request.GET.get("error"):
            reason = request.GET.get("error_description") or request.GET["error"]
            messages.error(
                request, f"Amazon Ads was not connected: access was declined on Amazon ({reason})."
            )
            return redirect(settings_url)
        code = request.GET.get("code", "")
        if not code:
            messages.error(request, "Amazon did not send an authorization code. Please try again.")
            return redirect(settings_url)
        try:
            connection = oauth_complete(
                user=cast(User, request.user),
                state=state,
                code=code,
                redirect_uri=_redirect_uri(),
            )
        except ConnectError as exc:
            messages.error(request, exc.message)
            return redirect(settings_url)
    messages.success(request, "Amazon Ads connected. Choose the profiles to track.")
    return redirect("amazon-profiles", org_slug=organization.slug, connection_id=connection.pk)


class SyncStatusView(OrgView):
    """Every store's sync status, its recent runs and what changed; "Sync now". While a run is
    under way the stores' block polls this view (htmx), which then answers with the block only:
    pages and rows so far, then the result."""

    template_name = "attribution/sync.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        stores = store_sync_overview()
        context = {
            "stores": stores,
            "can_sync": self.membership.role in MANAGE_CAMPAIGNS,
            "polling": any(s.in_progress for s in stores),
        }
        if request.htmx:  # type: ignore[attr-defined]
            return self.render(request, context, template_name="attribution/_sync_stores.html")
        return self.render(request, context)


class SyncNowView(OrgView):
    allowed_roles = MANAGE_CAMPAIGNS

    def post(self, request: HttpRequest, store_id: int) -> HttpResponse:
        store = store_get(store_id=store_id)
        if store.status == Store.Status.NO_ACCESS and not self._access_back(request, store):
            return redirect("sync-status", org_slug=self.organization.slug)
        if store.status != Store.Status.ACTIVE:
            messages.error(request, f"{store} cannot sync: {store.get_status_display()}.")
        elif store_request_sync(store=store):
            messages.success(request, f"Sync of {store} started. This page shows its progress.")
        else:
            messages.warning(
                request,
                f"{store} was synced on request less than 15 minutes ago; "
                "please wait before asking again.",
            )
        return redirect("sync-status", org_slug=self.organization.slug)

    def _access_back(self, request: HttpRequest, store: Store) -> bool:
        """Ask Amazon whether access to the store's profile is back (then it syncs)."""
        try:
            if store_access_recheck(store=store):
                return True
        except amazon.AmazonError as exc:
            messages.error(request, f"{store}: Amazon did not answer ({exc.message}).")
            return False
        messages.error(request, f"{store}: {store.status_message}")
        return False


class HeldRunApplyView(OrgView):
    """A pull held for review: what it would change (GET), and applying it (POST)."""

    allowed_roles = MANAGE_CAMPAIGNS
    template_name = "attribution/held_apply.html"

    def get(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = sync_run_get(sync_run_id=run_id)
        return self.render(request, {"run": run, "changes": held_changes(run)})

    def post(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = sync_run_get(sync_run_id=run_id)
        try:
            run = held_run_apply(run_id=run.pk, user=request.user)
        except (HeldRunGone, SyncBusy) as exc:
            messages.error(request, str(exc))
            return redirect("sync-status", org_slug=self.organization.slug)
        messages.success(
            request,
            f"The held sync of {run.store} ({run.window_start:%-d %b} to "
            f"{run.window_end:%-d %b %Y}) was applied: {run.rows_inserted} rows added, "
            f"{run.rows_updated} changed, {run.rows_removed} removed.",
        )
        return redirect("sync-status", org_slug=self.organization.slug)
