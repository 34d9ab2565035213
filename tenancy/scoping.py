"""The tenant in scope: one per request or task, set in Python and in PostgreSQL.

Two layers agree on the tenant: a context variable read by `TenantManager` (which raises
without it) and the transaction-local setting `app.tenant_id` read by the row-level-security
policies (which match nothing without it). `tenant_scope()` sets both; code that must see
several tenants says so with the model's `unscoped` manager (greppable, reviewed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import connection, transaction

if TYPE_CHECKING:
    from tenancy.models import Organization

_tenant_id: ContextVar[int | None] = ContextVar("tenant_id", default=None)
_user_id: ContextVar[int | None] = ContextVar("user_id", default=None)


class TenantScopeError(RuntimeError):
    """A tenant-owned table was queried with no tenant in scope."""


def current_tenant_id() -> int:
    tenant_id = _tenant_id.get()
    if tenant_id is None:
        raise TenantScopeError(
            "No tenant in scope. Wrap the code in tenancy.scoping.tenant_scope(org), or use "
            "Model.unscoped if it must see every tenant (schedulers and operator commands only)."
        )
    return tenant_id


def current_tenant_id_or_none() -> int | None:
    return _tenant_id.get()


def current_user_id_or_none() -> int | None:
    """The user of `user_scope`, if any (the replica connection sets it too: tenancy.replica)."""
    return _user_id.get()


def _set_db(name: str, value: int | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, true)", [name, "" if value is None else str(value)]
        )


@contextmanager
def tenant_scope(organization: Organization | int) -> Iterator[None]:
    """Run the block in one transaction with `organization` as the tenant, then restore."""
    tenant_id = organization if isinstance(organization, int) else organization.pk
    previous = _tenant_id.get()
    with transaction.atomic():
        token = _tenant_id.set(tenant_id)
        _set_db("app.tenant_id", tenant_id)
        try:
            yield
            # On error the savepoint rollback restores the outer value by itself.
            _set_db("app.tenant_id", previous)
        finally:
            _tenant_id.reset(token)


def activate_tenant(organization: Organization) -> None:
    """Set the tenant for the rest of the current transaction (a request under
    ATOMIC_REQUESTS). `TenantScopeResetMiddleware` clears the Python side afterwards."""
    if not connection.in_atomic_block:
        raise TenantScopeError("activate_tenant() needs an open transaction (ATOMIC_REQUESTS).")
    _tenant_id.set(organization.pk)
    _set_db("app.tenant_id", organization.pk)


def deactivate_tenant() -> None:
    _tenant_id.set(None)


@contextmanager
def user_scope(user_id: int) -> Iterator[None]:
    """Lets the block read the user's own memberships across organisations (the switcher):
    the memberships policy also matches rows whose user is `app.user_id`."""
    previous = _user_id.get()
    with transaction.atomic():
        token = _user_id.set(user_id)
        _set_db("app.user_id", user_id)
        try:
            yield
            _set_db("app.user_id", previous)
        finally:
            _user_id.reset(token)
