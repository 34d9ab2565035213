"""A tenant of the fixture set: an organisation with an owner and a manager."""

from __future__ import annotations

from dataclasses import dataclass

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


def make_tenant(name: str) -> Tenant:
    """Organisation `name` (its slug) with owner@<name>.test and manager@<name>.test."""
    org = OrganizationFactory(name=name.title(), slug=name)
    owner_m = MembershipFactory(organization=org, role=Role.OWNER, user__email=f"owner@{name}.test")
    manager_m = MembershipFactory(
        organization=org, role=Role.MANAGER, user__email=f"manager@{name}.test"
    )
    return Tenant(org, owner_m.user, manager_m.user, owner_m, manager_m)
