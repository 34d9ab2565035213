"""The sync page (attribution/views.py): a run held for review shows what it would change and
a manager applies it (a button, POST, manager role, CSRF, a confirmation page with the
changes); a run whose worker is gone shows as interrupted, not "Syncing…"."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from attribution.models import Store, SyncPage, SyncRun
from attribution.sync.runs import sync_run_start
from commissions.models import Conversion
from tenancy.models import Role
from tenancy.scoping import tenant_scope
from tests.factories import MembershipFactory
from tests.support.sync import WINDOW, snapshot, stored_rows


def test_the_sync_page_and_the_dashboards_show_a_held_sync(held, tenant_a):
    page = tenant_a.client().get("/o/alpha/sync/").content.decode()
    assert "A sync is held for review" in page and "Held for review" in page
    assert f"/o/alpha/sync/runs/{held.pk}/apply/" in page and "Review and apply" in page
    assert "(100%)" in page and "over 20%" in page
    # dashboards say the numbers shown are from before it
    overview = tenant_a.client().get("/o/alpha/").content.decode()
    assert "held for review" in overview


def test_a_manager_reviews_and_applies_a_held_sync(held, synced, tenant_a):
    url = f"/o/alpha/sync/runs/{held.pk}/apply/"
    client = tenant_a.client()
    page = client.get(url).content.decode()
    assert "Apply a held sync?" in page and "Apply Amazon's report" in page
    assert "Removed or reduced" in page and "(100%)" in page
    stored = len(snapshot(synced)[0])
    assert stored  # still the old figures

    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/o/alpha/sync/"
    with tenant_scope(synced.organization_id):
        held.refresh_from_db()
        earned = set(Conversion.objects.filter(store=synced).values_list("sales", flat=True))
        assert not SyncPage.objects.exists()
    assert held.status == "succeeded" and held.applied_by == tenant_a.manager
    assert held.applied_at is not None and "Applied by manager@alpha.test" in held.notes
    assert stored_rows(synced) == set()  # Amazon's (empty) report, as the manager decided
    assert (held.rows_inserted, held.rows_updated, held.rows_removed) == (0, 0, stored)
    assert earned == {Decimal("0.00")}  # pending commission follows
    # applying twice does nothing
    again = client.post(url, follow=True).content.decode()
    assert "no longer held for review" in again


def test_applying_needs_a_manager_a_csrf_token_and_the_same_tenant(held, tenant_a, tenant_b):
    url = f"/o/alpha/sync/runs/{held.pk}/apply/"
    finance = MembershipFactory(organization=tenant_a.org, role=Role.FINANCE).user
    viewer = Client()
    viewer.force_login(finance)
    assert viewer.get(url).status_code == 403
    assert viewer.post(url).status_code == 403
    assert "Review and apply" not in viewer.get("/o/alpha/sync/").content.decode()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(tenant_a.manager)
    assert strict.post(url).status_code == 403
    assert tenant_b.client().post(f"/o/bravo/sync/runs/{held.pk}/apply/").status_code == 404
    with tenant_scope(tenant_a.org):
        held.refresh_from_db()
    assert held.status == "held"


def test_a_held_sync_cannot_be_applied_while_a_sync_runs(held, synced, tenant_a):
    from attribution.sync.lease import lease_claim

    with tenant_scope(synced.organization_id):
        assert lease_claim(synced.pk, "running-worker")
    page = tenant_a.client().post(f"/o/alpha/sync/runs/{held.pk}/apply/", follow=True)
    assert "A sync of this store is running" in page.content.decode()
    with tenant_scope(synced.organization_id):
        held.refresh_from_db()
    assert held.status == "held"


def test_a_run_whose_worker_died_shows_as_interrupted(us_store, tenant_a):
    dead = sync_run_start(
        organization_id=us_store.organization_id,
        store_id=us_store.pk,
        trigger=SyncRun.Trigger.MANUAL,
        owner="killed-worker",
        window=WINDOW,
    )
    assert dead is not None
    client = tenant_a.client()
    assert "Syncing…" in client.get("/o/alpha/sync/").content.decode()
    with tenant_scope(us_store.organization_id):  # the worker was killed; its lease runs out
        Store.objects.filter(pk=us_store.pk).update(
            sync_lease_until=timezone.now() - timedelta(seconds=1)
        )
    page = client.get("/o/alpha/sync/").content.decode()
    assert "Syncing…" not in page and "Last sync interrupted" in page
    assert ">Interrupted</span>" in page
    # and "Sync now" is not blocked
    response = client.post(f"/o/alpha/sync/{us_store.pk}/now/", follow=True)
    assert "started" in response.content.decode()
