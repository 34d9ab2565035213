"""Fixtures: always two tenants, each with an owner and a manager, so every test can ask
"and the other tenant sees none of it?"."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from tenancy.models import Membership, Organization, Role, User
from tests.factories import MembershipFactory, OrganizationFactory


@dataclass
class Tenant:
    org: Organization
    owner: User
    manager: User
    owner_membership: Membership
    manager_membership: Membership

    def client(self, user: User | None = None) -> Client:
        c = Client()
        c.force_login(user or self.manager)
        return c


def _tenant(name: str) -> Tenant:
    org = OrganizationFactory(name=name.title(), slug=name)
    owner_m = MembershipFactory(organization=org, role=Role.OWNER, user__email=f"owner@{name}.test")
    manager_m = MembershipFactory(
        organization=org, role=Role.MANAGER, user__email=f"manager@{name}.test"
    )
    return Tenant(org, owner_m.user, manager_m.user, owner_m, manager_m)


@pytest.fixture(autouse=True)
def _clean_redis():
    """Each test starts with an empty cache (rate limits, route caches); it is a real Redis."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tenant_a(db) -> Tenant:
    return _tenant("alpha")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return _tenant("bravo")
