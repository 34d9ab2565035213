"""Every change to money leaves a row, written by the database in the change's own
transaction, naming who (a member, an API key, a task, a command), when, and from what to
what: through the pages, the API, the services' bulk updates, tasks and commands."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pghistory
import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from commissions.models import Conversion
from commissions.tasks import conversions_advance_all
from core import clock
from tenancy.models import Membership, Organization
from tenancy.scoping import tenant_scope
from tests.support.api import client_for, key_for
from tests.support.audit import CAMPAIGN_FORM, changes, trail


def test_campaign_terms_changed_on_the_edit_page(world_a, world_b, tenant_a, tenant_b):
    # Given a campaign at 10 % of promoted products, settling after 30 days
    campaign = world_a.campaign
    client = tenant_a.client(tenant_a.manager)
    # When the manager changes rate, basis and settlement days on the edit page
    response = client.post(
        f"/o/alpha/campaigns/{campaign.pk}/edit/",
        {**CAMPAIGN_FORM, "tracking_plan": world_a.plan.pk},
    )
    assert response.status_code == 302
    # Then the trail has one change with who, where, and each term from what to what
    rows = [r for r in trail(tenant_a, "campaign") if r.event.label == "changed"]
    assert len(rows) == 1
    row = rows[0]
    assert (row.actor.kind, row.actor.email) == ("user", "manager@alpha.test")
    assert row.url == f"/o/alpha/campaigns/{campaign.pk}/edit/"
    assert row.object_label == "Spring" and row.event.object_id == campaign.pk
    assert changes(row) == {
        "default_commission_rate": ("10.00", "7.50"),
        "commission_basis": ("promoted", "total"),
        "settlement_days": ("30", "45"),
    }
    shown = {c.field: (c.before_display, c.after_display) for c in row.changes}
    assert shown["default_commission_rate"] == ("10.00 %", "7.50 %")
    assert shown["commission_basis"] == ("Promoted products only", "Brand total (including halo)")
    assert shown["settlement_days"] == ("30 days", "45 days")
    # and the other tenant's trail has nothing of it
    assert [r for r in trail(tenant_b, "campaign") if r.event.label == "changed"] == []


def test_creator_override_changed_on_the_campaign_page(world_a, tenant_a):
    cc = world_a.ccs[0]
    client = tenant_a.client(tenant_a.manager)
    response = client.post(
        f"/o/alpha/campaigns/{world_a.campaign.pk}/creators/{cc.pk}/",
        {"status": "active", "commission_rate_override": "12.50"},
    )
    assert response.status_code == 302
    rows = [r for r in trail(tenant_a, "campaign_creator") if r.event.label == "changed"]
    assert len(rows) == 1
    assert rows[0].actor.email == "manager@alpha.test"
    assert changes(rows[0]) == {"commission_rate_override": (None, "12.50")}
    assert rows[0].changes[0].before_display == "—"
    assert rows[0].changes[0].after_display == "12.50 %"
    assert rows[0].object_label == "Jane on Spring"


def test_approval_on_the_conversions_page_names_the_manager(world_a, tenant_a):
    awaiting = world_a.conversions[0]
    client = tenant_a.client(tenant_a.manager)
    response = client.post(
        "/o/alpha/conversions/", {"conversion": [awaiting.pk], "action": "approve"}
    )
    assert response.status_code == 302
    (row,) = trail(tenant_a, "conversion", object_id=awaiting.pk)
    assert row.actor.email == "manager@alpha.test"
    got = changes(row)
    assert got["status"] == ("awaiting", "approved")
    assert got["decided_by"] == (None, str(tenant_a.manager.pk))
    shown = {c.field: c.after_display for c in row.changes}
    assert shown["status"] == "Approved" and shown["decided_by"] == "manager@alpha.test"
    assert row.object_label == "Jane · Spring · 2026-10-20"
    assert row.currency == "USD"


def test_bulk_denial_through_the_api_key_records_every_row(world_a, tenant_a):
    # Given both creators' awaiting conversions, denied in one call with an API key
    awaiting = [world_a.conversions[0], world_a.conversions[3]]
    client = client_for(key_for(tenant_a, role="admin", name="Back office"))
    response = client.post(
        "/api/v1/conversions/deny/",
        {"ids": [c.pk for c in awaiting], "reason": "Self-purchase"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["decided"] == 2
    # Then each conversion has its event, naming the key
    rows = [r for r in trail(tenant_a, "conversion") if r.event.label == "changed"]
    assert sorted(r.event.object_id for r in rows) == sorted(c.pk for c in awaiting)
    for row in rows:
        assert (row.actor.kind, row.actor.name) == ("api_key", "Back office")
        assert row.actor.api_key and row.url == "/api/v1/conversions/deny/"
        assert changes(row)["status"] == ("awaiting", "denied")
        assert changes(row)["decision_reason"] == ("", "Self-purchase")


def test_marking_paid_records_the_payout_and_each_conversion(owed, tenant_a, finance_a):
    """A payout run created and paid by finance: the run, the batch it pays and each paid
    conversion are in the trail with finance as the actor."""
    from tests.support.payouts import paypal

    jane_approved, omar_approved, _ = owed
    with tenant_scope(tenant_a.org):
        creators = [jane_approved.creator, omar_approved.creator]
    for n, creator in enumerate(creators):
        paypal(creator, email=f"payee{n}@example.com")
    client = tenant_a.client(finance_a)
    r = client.post("/o/alpha/payouts/")
    assert r.status_code == 302 and "/payouts/" in r["Location"]
    run_url = r["Location"]
    r = client.post(run_url, {"action": "pay", "reference": "Wire 2026-11"})
    assert r.status_code == 302
    runs = trail(tenant_a, "payout_run")
    assert runs[0].event.label == "created"
    assert all(r.actor.email == "finance@alpha.test" for r in runs)
    assert any(changes(r).get("status", (None, None))[1] == "paid" for r in runs)
    assert any(changes(r).get("reference", (None, None))[1] == "Wire 2026-11" for r in runs)
    payouts = trail(tenant_a, "payout")
    assert payouts and payouts[0].event.label == "created"
    assert all(r.actor.email == "finance@alpha.test" for r in payouts)
    assert changes(payouts[0])["paid_by"] == (None, str(finance_a.pk))
    paid = [
        r for r in trail(tenant_a, "conversion") if changes(r).get("status", (0, 0))[1] == "paid"
    ]
    assert paid  # what was payable (approved in a closed month) is paid by the run
    for row in paid:
        assert changes(row)["payout_batch"][1] == str(payouts[0].event.object_id)
        assert row.actor.email == "finance@alpha.test"


def test_a_task_advancing_conversions_is_the_actor(world_a, world_b, tenant_a, tenant_b):
    # Given pending conversions whose settlement day has passed (in both tenants)
    pending = world_a.conversions[1]
    past = clock.now().date() - timedelta(days=1)
    for t, world in ((tenant_a, world_a), (tenant_b, world_b)):
        with tenant_scope(t.org):
            Conversion.objects.filter(pk=world.conversions[1].pk).update(settles_on=past)
    # When the daily task runs (a service-level QuerySet.update per store)
    conversions_advance_all.apply()
    # Then each tenant's trail names the task, in that tenant only
    for t, world in ((tenant_a, world_a), (tenant_b, world_b)):
        rows = trail(t, "conversion", object_id=world.conversions[1].pk)
        assert [(r.actor.kind, r.actor.name) for r in rows] == [
            ("task", "reporting.conversions_advance_all")
        ]
        assert changes(rows[0])["status"] == ("pending", "awaiting")
    assert pending.pk in {r.event.object_id for r in trail(tenant_a, "conversion", actor="system")}


def test_a_queryset_update_leaves_one_event_per_row_it_changed(world_a, tenant_a):
    with tenant_scope(tenant_a.org), pghistory.context(command="test"):
        changed = Conversion.objects.filter(status="awaiting").update(
            commission_rate=Decimal("11.00")
        )
        # rows the statement does not change leave nothing
        Conversion.objects.filter(status="awaiting").update(commission_rate=Decimal("11.00"))
    assert changed == 2
    rows = trail(tenant_a, "conversion")
    assert len(rows) == 2
    assert {changes(r)["commission_rate"] for r in rows} == {("10.00", "11.00")}


def test_member_role_changes_and_removal_on_the_members_page(tenant_a):
    client = tenant_a.client(tenant_a.owner)
    url = f"/o/alpha/members/{tenant_a.manager_membership.pk}/"
    assert client.post(url, {"role": "finance"}).status_code == 302
    assert client.post(url, {"action": "remove"}).status_code == 302
    rows = trail(tenant_a, "member", object_id=tenant_a.manager_membership.pk)
    assert [(r.event.label, changes(r)["role"], r.actor.email) for r in rows] == [
        ("created", (None, "manager"), ""),
        ("changed", ("manager", "finance"), "owner@alpha.test"),
        ("removed", ("finance", None), "owner@alpha.test"),
    ]
    assert rows[1].object_label == "manager@alpha.test"
    assert [c.after_display for c in rows[1].changes] == ["Finance"]


def test_a_management_command_is_the_actor(db):
    call_command("create_tenant", "charlie", name="Charlie", owner_email="owner@charlie.test")
    org = Organization.objects.get(slug="charlie")

    class T:
        pass

    t = T()
    t.org = org
    (row,) = trail(t, "member")
    assert (row.actor.kind, row.actor.name) == ("command", "create_tenant")
    assert changes(row)["role"] == (None, "owner")
    with tenant_scope(org):
        assert row.event.object_id == Membership.objects.get().pk


def test_disconnecting_amazon_records_the_connection_and_its_stores(world_a, tenant_a):
    connection_id = world_a.store.connection_id
    client = tenant_a.client(tenant_a.owner)
    response = client.post(f"/o/alpha/settings/amazon/{connection_id}/disconnect/")
    assert response.status_code == 302
    conn = trail(tenant_a, "amazon_connection")[-1]
    assert changes(conn)["status"] == ("active", "disconnected")
    assert conn.actor.email == "owner@alpha.test"
    stores = [r for r in trail(tenant_a, "store") if r.event.label == "changed"]
    assert stores and all(changes(r)["status"][1] == "disconnected" for r in stores)
    assert all(r.actor.email == "owner@alpha.test" for r in stores)
    # the stores' creation (the fixture's headless connect, no actor) reads as the system
    created = [r for r in trail(tenant_a, "store") if r.event.label == "created"]
    assert created and {r.actor.kind for r in created} == {"system"}


def test_events_cannot_be_rewritten(world_a, tenant_a):
    from audit.models import CampaignEvent

    with tenant_scope(tenant_a.org):
        event = CampaignEvent.objects.get()
        for rewrite in (lambda q: q.update(pgh_label="x"), lambda q: q.delete()):
            with (
                pytest.raises(DatabaseError, match="Cannot update or delete"),
                transaction.atomic(),
            ):
                rewrite(CampaignEvent.objects.filter(pk=event.pk))
        assert CampaignEvent.objects.get().pgh_label == "created"


def test_a_new_refresh_token_is_recorded_but_never_copied(world_a, tenant_a):
    from attribution.models import AmazonConnection

    with tenant_scope(tenant_a.org), pghistory.context(command="connect_amazon"):
        connection = AmazonConnection.objects.get(pk=world_a.store.connection_id)
        connection.refresh_token = "Atzr|a-brand-new-token"
        connection.save(update_fields=["refresh_token_encrypted"])
        ciphertext = connection.refresh_token_encrypted
    row = trail(tenant_a, "amazon_connection")[-1]
    assert (row.actor.kind, row.actor.name) == ("command", "connect_amazon")
    assert changes(row) == {"refresh_token_encrypted": ("(hidden)", "(hidden)")}
    assert ciphertext not in str(row.event.row) and "brand-new" not in str(row.event.row)
