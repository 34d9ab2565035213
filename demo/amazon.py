"""Demo Amazon connections: each demo brand connected to the sandbox in its regions
(idempotent): Acme Outdoor in North America, Northwind Kitchen in Europe and the Far East."""

from __future__ import annotations

from django.conf import settings

from attribution.models import AmazonConnection, Store
from attribution.services import connection_create_headless
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


def demo_amazon_ensure(
    organization: Organization, regions: tuple[str, ...] = ("NA",)
) -> list[Store]:
    """Connect the organisation to the sandbox's account once per region; later runs reuse
    the connections. Returns the active stores, by country."""
    if not settings.AMAZON_SANDBOX_URL:
        return []
    with tenant_scope(organization):
        connected = set(AmazonConnection.objects.values_list("region", flat=True))
        for region in regions:
            if region not in connected:
                connection_create_headless(
                    region=region, refresh_token=f"Atzr|demo-{organization.slug}"
                )
        return list(Store.objects.filter(status=Store.Status.ACTIVE).order_by("country_code"))
