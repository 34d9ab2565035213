"""Row-level security and the fail-closed manager: the layers that stop a leak between brands
even when application code forgets a filter."""

from __future__ import annotations

import os

import psycopg2
import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from config.health import rls_problems
from tenancy.checks import role_bypasses_rls
from tenancy.models import Membership, Organization, TenantManager, TenantModel
from tenancy.scoping import TenantScopeError, tenant_scope


def tenant_keyed_models():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Organization:
                yield model


def test_every_model_with_a_tenant_key_is_scoped_and_row_secured(db):
    models = list(tenant_keyed_models())
    assert Membership in models
    for model in models:
        assert issubclass(model, TenantModel), f"{model.__name__} must derive from TenantModel"
        assert isinstance(model._default_manager, TenantManager), model.__name__
        field = model._meta.get_field("organization")
        assert not field.null, f"{model.__name__}.organization must be non-null"
    with connection.cursor() as cursor:
        assert rls_problems(cursor) == []


def test_raw_sql_without_tenant_returns_nothing(tenant_a, tenant_b):
    # Given memberships of two tenants exist
    with tenant_scope(tenant_a.org):
        assert Membership.objects.count() == 2
    with tenant_scope(tenant_b.org):
        assert Membership.objects.count() == 2
    # When the app role reads with raw SQL and no tenant set
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tenancy_membership")
        (count,) = cursor.fetchone()
    # Then it sees no row at all
    assert count == 0


def test_raw_sql_with_a_tenant_sees_only_that_tenant(tenant_a, tenant_b):
    with tenant_scope(tenant_a.org), connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT organization_id FROM tenancy_membership")
        assert [r[0] for r in cursor.fetchall()] == [tenant_a.org.pk]


def test_insert_for_another_tenant_is_rejected(tenant_a, tenant_b):
    with tenant_scope(tenant_a.org):
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO tenancy_membership (organization_id, user_id, role, created_at)"
                    " VALUES (%s, %s, 'owner', now())",
                    [tenant_b.org.pk, tenant_a.manager.pk],
                )


def test_update_cannot_move_a_row_to_another_tenant(tenant_a, tenant_b):
    with tenant_scope(tenant_a.org):
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Membership.objects.filter(pk=tenant_a.manager_membership.pk).update(
                organization_id=tenant_b.org.pk
            )


def test_default_manager_raises_without_tenant(tenant_a):
    with pytest.raises(TenantScopeError):
        list(Membership.objects.all())


def test_saving_a_row_of_another_tenant_in_scope_is_refused(tenant_a, tenant_b):
    with tenant_scope(tenant_a.org), pytest.raises(ValueError, match="another tenant"):
        Membership(organization=tenant_b.org, user=tenant_a.owner).save()


def test_nested_scopes_restore_the_outer_tenant(tenant_a, tenant_b):
    with tenant_scope(tenant_a.org):
        with tenant_scope(tenant_b.org):
            assert {m.organization_id for m in Membership.objects.all()} == {tenant_b.org.pk}
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT organization_id FROM tenancy_membership")
            assert [r[0] for r in cursor.fetchall()] == [tenant_a.org.pk]


def test_app_role_is_bound_by_rls(db):
    with connection.cursor() as cursor:
        assert role_bypasses_rls(cursor) is None


ADMIN_URL = os.environ.get("TEST_DATABASE_ADMIN_URL")


@pytest.mark.skipif(not ADMIN_URL, reason="needs TEST_DATABASE_ADMIN_URL (make test sets it)")
def test_app_refuses_to_start_as_a_superuser(db):
    from django.db.backends.postgresql.base import DatabaseWrapper

    conn = psycopg2.connect(ADMIN_URL)
    with conn.cursor() as cursor:
        assert "superuser" in role_bypasses_rls(cursor)
    conn.close()

    dsn = psycopg2.extensions.parse_dsn(ADMIN_URL)
    settings_dict = {
        **connection.settings_dict,
        "NAME": dsn.get("dbname", "postgres"),
        "USER": dsn.get("user", "postgres"),
        "PASSWORD": dsn.get("password", ""),
        "HOST": dsn.get("host", ""),
        "PORT": dsn.get("port", ""),
    }
    wrapper = DatabaseWrapper(settings_dict, alias="superuser-probe")
    with pytest.raises(ImproperlyConfigured, match="superuser"):
        wrapper.ensure_connection()
    wrapper.close()


def test_organization_slug_is_unique(tenant_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="Dup", slug=tenant_a.org.slug)


def test_tenant_tables_cannot_be_read_with_rls_disabled_by_app(db):
    # The app role owns its tables but FORCE keeps it bound; it cannot turn RLS off silently
    # without a migration, and a superuser-only bypass is not available to it.
    with (
        pytest.raises(DatabaseError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET row_security = off; SELECT count(*) FROM tenancy_membership")


def test_bulk_create_takes_the_tenant_in_scope(tenant_a, tenant_b):
    from tenancy.models import Invitation

    with tenant_scope(tenant_a.org):
        Invitation.objects.bulk_create([Invitation(email="x@y.test"), Invitation(email="z@y.test")])
        assert Invitation.objects.count() == 2
        with pytest.raises(ValueError, match="another tenant"):
            Invitation.objects.bulk_create(
                [Invitation(email="q@y.test", organization=tenant_b.org)]
            )
