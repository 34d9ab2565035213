"""Demo organisations and people for `make run` (idempotent: reused when present)."""

from __future__ import annotations

from tenancy.models import Membership, Organization, Role, User
from tenancy.scoping import tenant_scope

DEMO_PASSWORD = "demo-password-1"

DEMO_ORGS = [
    (
        "acme",
        "Acme Outdoor",
        [
            ("owner@acme.test", "Olivia Owner", Role.OWNER),
            ("manager@acme.test", "Marco Manager", Role.MANAGER),
            ("finance@acme.test", "Fiona Finance", Role.FINANCE),
        ],
    ),
    (
        "northwind",
        "Northwind Kitchen",
        [
            ("owner@northwind.test", "Nora Owner", Role.OWNER),
        ],
    ),
]


def demo_organizations_ensure() -> list[Organization]:
    orgs = []
    for slug, name, people in DEMO_ORGS:
        org, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
        with tenant_scope(org):
            for email, person, role in people:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, DEMO_PASSWORD, name=person)
                Membership.objects.get_or_create(user=user, defaults={"role": role})
        orgs.append(org)
    return orgs
