"""The trail is tenant data: event tables are row-secured like every tenant table, the actor
rides in each tenant's own rows (pghistory's shared context table stays closed and empty), and
nothing of one request's or task's actor reaches the next."""

from __future__ import annotations

import pghistory
import pytest
from django.db import DatabaseError, connection, transaction

from audit.tracking import REGISTRY
from commissions.tasks import conversions_advance_all
from config.health import rls_problems
from tenancy.scoping import tenant_scope
from tests.support.audit import trail

EVENT_TABLES = sorted(t.event_model._meta.db_table for t in REGISTRY.values())


def test_every_event_table_is_row_secured(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s)"
            " AND relrowsecurity AND relforcerowsecurity",
            [EVENT_TABLES],
        )
        assert sorted(r[0] for r in cursor.fetchall()) == EVENT_TABLES
        assert rls_problems(cursor) == []


def test_raw_sql_sees_only_the_tenant_in_scope(tenant_a, tenant_b):
    # Given both tenants have events (their members' creation)
    for t in (tenant_a, tenant_b):
        assert len(trail(t, "member")) == 2
    with connection.cursor() as cursor:
        # Without a tenant: nothing at all
        for table in EVENT_TABLES:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            assert cursor.fetchone()[0] == 0, table
    # With one: only its own rows
    with tenant_scope(tenant_a.org), connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT organization_id FROM audit_membershipevent")
        assert [r[0] for r in cursor.fetchall()] == [tenant_a.org.pk]


def test_an_event_cannot_be_written_for_another_tenant(tenant_a, tenant_b):
    with tenant_scope(tenant_a.org):
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO audit_membershipevent (organization_id, role, user_id,"
                    " pgh_created_at, pgh_label, pgh_obj_id) VALUES (%s, 'owner', %s, now(),"
                    " 'changed', 1)",
                    [tenant_b.org.pk, tenant_a.owner.pk],
                )


def test_pghistory_context_table_is_closed_and_unused(tenant_a, tenant_b):
    # Changes with an actor write their context into their own rows only
    client = tenant_a.client(tenant_a.owner)
    client.post(f"/o/alpha/members/{tenant_a.manager_membership.pk}/", {"role": "finance"})
    assert trail(tenant_a, "member")[-1].actor.email == "owner@alpha.test"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class"
            " WHERE relname = 'pghistory_context'"
        )
        assert cursor.fetchone() == (True, True)
        # no policy: the app role reads nothing, even in a tenant's scope ...
        with tenant_scope(tenant_a.org):
            cursor.execute("SELECT count(*) FROM pghistory_context")
            assert cursor.fetchone()[0] == 0
        # ... and writes nothing
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            cursor.execute(
                "INSERT INTO pghistory_context (id, metadata, created_at, updated_at)"
                " VALUES (gen_random_uuid(), '{}', now(), now())"
            )


def test_a_requests_actor_does_not_reach_the_next_task(world_a, world_b, tenant_a, tenant_b):
    # Given alpha's owner just made a change through a page
    client = tenant_a.client(tenant_a.owner)
    client.post(f"/o/alpha/members/{tenant_a.manager_membership.pk}/", {"role": "finance"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pghistory.context_metadata', true)")
        assert cursor.fetchone()[0] in (None, "")
    assert not hasattr(pghistory.runtime._tracker, "value")
    # When a task then changes bravo's conversions in the same thread
    with tenant_scope(tenant_b.org):
        from commissions.models import Conversion

        Conversion.objects.filter(pk=world_b.conversions[1].pk).update(settles_on="2000-01-01")
    conversions_advance_all.apply()
    # Then bravo's event names the task, not alpha's owner, and alpha's trail holds no task
    rows = trail(tenant_b, "conversion")
    assert world_b.conversions[1].pk in {r.event.object_id for r in rows}
    assert {(r.actor.kind, r.actor.email, r.url) for r in rows} == {("task", "", "")}
    assert {r.actor.kind for r in trail(tenant_a, "conversion")} <= {"task"}
