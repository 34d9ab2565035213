"""Helpers of the audit trail's tests: the events of one kind, as the Activity page has them."""

from __future__ import annotations

import pytest

from audit.display import activity_rows
from audit.selectors import ActivityFilter, activity_page
from tenancy.models import Role
from tenancy.scoping import tenant_scope
from tests.factories import MembershipFactory
from tests.support.worlds import owed_conversions


def trail(tenant, kind: str, **filters):
    """Every event of `kind` in the tenant, oldest first, as display rows."""
    with tenant_scope(tenant.org):
        events, _ = activity_page(ActivityFilter(kinds=(kind,), **filters), size=500)
        return list(reversed(activity_rows(events)))


def changes(row) -> dict[str, tuple[str | None, str | None]]:
    return {c.field: (c.before, c.after) for c in row.changes}


@pytest.fixture
def owed(world_a, world_b, tenant_a):
    """Payables of alpha (tests/support/worlds.py): (jane_approved, omar_approved, september)."""
    return owed_conversions(world_a)


@pytest.fixture
def finance_a(tenant_a):
    return MembershipFactory(
        organization=tenant_a.org, role=Role.FINANCE, user__email="finance@alpha.test"
    ).user
