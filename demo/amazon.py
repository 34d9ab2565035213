"""Demo Amazon connections: the demo brands connected to the sandbox (idempotent)."""

from __future__ import annotations

from django.conf import settings

from attribution.models import AmazonConnection, Store
from attribution.services import connection_create_headless
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


def demo_amazon_ensure(organization: Organization) -> list[Store]:
    """Connect the organisation to the sandbox's NA account once; later runs reuse it."""
    if not settings.AMAZON_SANDBOX_URL:
        return []
    with tenant_scope(organization):
        if not AmazonConnection.objects.exists():
            connection_create_headless(region="NA", refresh_token=f"Atzr|demo-{organization.slug}")
        return list(Store.objects.filter(status=Store.Status.ACTIVE).order_by("country_code"))
