"""The read replica (tenancy.replica), against a second real connection: the `replica` alias of
the test settings is another connection to the same database, so which alias served a query
is proven by the connection that ran it (its own backend process), and row-level security is
proven on that connection."""

from __future__ import annotations

import time

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from tenancy.models import Membership, Role
from tenancy.replica import PIN_COOKIE, read_alias, replica_reads
from tenancy.scoping import tenant_scope

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_on(settings):
    settings.DATABASE_REPLICA_READS = True


def served(capture: CaptureQueriesContext, table: str) -> int:
    return sum(table in q["sql"] for q in capture.captured_queries)


def backend_pid(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_marked_reads_come_from_the_replica_connection_with_the_tenant_set(
    replica_on, tenant_a, tenant_b
):
    with tenant_scope(tenant_a.org), replica_reads():
        assert read_alias() == "replica"
        with (
            CaptureQueriesContext(connections["replica"]) as replica,
            CaptureQueriesContext(connections["default"]) as primary,
        ):
            members = list(Membership.objects.values_list("organization_id", flat=True))
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT current_setting('app.tenant_id'), pg_backend_pid()")
            tenant_setting, replica_pid = cursor.fetchone()
    # Then the replica connection served the read, under alpha's row-level security
    assert members == [tenant_a.org.pk, tenant_a.org.pk]
    assert served(replica, "tenancy_membership") == 1
    assert served(primary, "tenancy_membership") == 0
    assert tenant_setting == str(tenant_a.org.pk)
    # and it is a second real connection: another backend process than the primary's
    assert replica_pid != backend_pid("default")
    # bravo in scope: bravo's rows only
    with tenant_scope(tenant_b.org), replica_reads():
        assert set(Membership.objects.values_list("organization_id", flat=True)) == {
            tenant_b.org.pk
        }


def test_the_replica_fails_closed_without_a_tenant(replica_on, tenant_a):
    with replica_reads(), CaptureQueriesContext(connections["replica"]) as replica:
        assert Membership.unscoped.count() == 0  # row-level security: no tenant, no rows
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM tenancy_membership")
            assert cursor.fetchone()[0] == 0
    assert served(replica, "tenancy_membership") == 2


def test_unmarked_reads_and_a_replica_not_configured_use_the_primary(settings, tenant_a):
    with tenant_scope(tenant_a.org), CaptureQueriesContext(connections["default"]) as primary:
        settings.DATABASE_REPLICA_READS = True
        assert Membership.objects.count() == 2  # not marked
        settings.DATABASE_REPLICA_READS = False
        with replica_reads():  # marked, but no replica configured
            assert read_alias() == "default"
            assert Membership.objects.count() == 2
    assert served(primary, "tenancy_membership") == 2


def test_a_transaction_that_wrote_reads_only_from_the_primary(replica_on, tenant_a):
    membership = tenant_a.manager_membership
    with tenant_scope(tenant_a.org), replica_reads():
        # an ORM write: the rest of this transaction reads the primary
        Membership.objects.filter(pk=membership.pk).update(role=Role.VIEWER)
        assert read_alias() == "default"
        with (
            CaptureQueriesContext(connections["replica"]) as replica,
            CaptureQueriesContext(connections["default"]) as primary,
        ):
            role = Membership.objects.get(pk=membership.pk).role
        assert role == Role.VIEWER  # its own write, which only the primary has yet
        assert served(replica, "tenancy_membership") == 0
        assert served(primary, "tenancy_membership") == 1
    # once it committed, the next transaction may use the replica again
    with tenant_scope(tenant_a.org), replica_reads():
        assert read_alias() == "replica"
        # a raw SQL write counts too
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "UPDATE tenancy_membership SET role = %s WHERE id = %s",
                [Role.MANAGER, membership.pk],
            )
        assert read_alias() == "default"
    with tenant_scope(tenant_a.org), replica_reads():
        # and a row locked for update
        list(Membership.objects.select_for_update().filter(pk=membership.pk))
        assert read_alias() == "default"


def test_a_write_rolled_back_to_a_savepoint_still_keeps_its_transaction_on_the_primary(
    replica_on, tenant_a
):
    with tenant_scope(tenant_a.org), replica_reads():
        savepoint = transaction.savepoint()
        Membership.objects.filter(pk=tenant_a.manager_membership.pk).update(role=Role.VIEWER)
        transaction.savepoint_rollback(savepoint)
        assert read_alias() == "default"  # the safe side: the transaction did write
    # the next transaction starts clean
    with tenant_scope(tenant_a.org), replica_reads():
        assert read_alias() == "replica"


def test_an_instance_read_from_the_replica_does_not_pull_later_reads_there(replica_on, tenant_a):
    with tenant_scope(tenant_a.org):
        with replica_reads():
            membership = Membership.objects.select_related(None).get(
                pk=tenant_a.manager_membership.pk
            )
        assert membership._state.db == "replica"
        with CaptureQueriesContext(connections["replica"]) as replica:
            assert membership.user.email == "manager@alpha.test"
        assert replica.captured_queries == []


def test_the_dashboard_reads_the_replica_until_its_user_writes(replica_on, tenant_a, settings):
    client = tenant_a.client()
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get("/o/alpha/").status_code == 200
    assert len(replica.captured_queries) > 0
    # When the user writes (any unsafe method pins them, whatever it did)
    response = client.post("/o/alpha/", {})
    assert PIN_COOKIE in response.cookies
    assert response.cookies[PIN_COOKIE]["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS
    # Then their next pages read the primary only: their own writes are there
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get("/o/alpha/").status_code == 200
    assert replica.captured_queries == []
    # and once the pin has passed, the replica again
    client.cookies[PIN_COOKIE] = f"{time.time() - 1:.3f}"
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get("/o/alpha/").status_code == 200
    assert len(replica.captured_queries) > 0


def test_without_a_replica_no_pin_cookie_is_set(tenant_a):
    response = tenant_a.client().post("/o/alpha/", {})
    assert PIN_COOKIE not in response.cookies


def test_the_write_watcher_never_takes_the_place_of_a_scoped_wrapper(db):
    """A connection opened inside `connection.execute_wrapper(...)` (pghistory's actor context
    around a command) gets the write watcher; when the scoped wrapper ends it is the one
    removed, not the watcher: audit events never keep a finished context's actor."""
    from django.db import connection

    from tenancy.replica import install_hooks, primary_write_watcher

    def scoped(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    connection.execute_wrappers[:] = [
        w for w in connection.execute_wrappers if w is not primary_write_watcher
    ]
    with connection.execute_wrapper(scoped):
        install_hooks(connection)  # as connection_created does for a connection opened here
        assert connection.execute_wrappers == [primary_write_watcher, scoped]
    assert connection.execute_wrappers == [primary_write_watcher]
