"""Fixtures of the audit trail's tests (helpers: tests/support/audit.py)."""

from __future__ import annotations

import pytest

from tenancy.models import Role
from tests.factories import MembershipFactory
from tests.support.worlds import owed_conversions


@pytest.fixture
def owed(world_a, world_b, tenant_a):
    """Payables of alpha (tests/support/worlds.py): (jane_approved, omar_approved, september)."""
    return owed_conversions(world_a)


@pytest.fixture
def finance_a(tenant_a):
    return MembershipFactory(
        organization=tenant_a.org, role=Role.FINANCE, user__email="finance@alpha.test"
    ).user
