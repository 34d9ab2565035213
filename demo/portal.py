"""The demo's creator portal account (`make run`): Jane Doe, a creator of every demo brand that
has her, signs in as jane@creators.test with the demo password (idempotent)."""

from __future__ import annotations

from creators.models import Creator
from demo.organizations import DEMO_PASSWORD
from tenancy.models import Organization, User
from tenancy.scoping import tenant_scope

DEMO_CREATOR_EMAIL = "jane@creators.test"


def demo_portal_ensure(organization: Organization) -> None:
    user = User.objects.filter(email=DEMO_CREATOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(DEMO_CREATOR_EMAIL, DEMO_PASSWORD, name="Jane Doe")
    with tenant_scope(organization):
        Creator.objects.filter(email=DEMO_CREATOR_EMAIL, user=None).update(user=user)
