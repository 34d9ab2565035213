"""The audit trail's tests: the events of one kind as the Activity page has them, and changes
made through the pages by a tenant's manager and owner."""

from __future__ import annotations

from audit.display import activity_rows
from audit.selectors import ActivityFilter, activity_page
from tenancy.scoping import tenant_scope

CAMPAIGN_FORM = {
    "name": "Spring",
    "starts_on": "2026-10-01",
    "ends_on": "",
    "status": "active",
    "track_sales": "on",
    "default_commission_rate": "7.50",
    "commission_basis": "total",
    "settlement_days": "45",
    "store_page": "",
}


def trail(tenant, kind: str, **filters):
    """Every event of `kind` in the tenant, oldest first, as display rows."""
    with tenant_scope(tenant.org):
        events, _ = activity_page(ActivityFilter(kinds=(kind,), **filters), size=500)
        return list(reversed(activity_rows(events)))


def changes(row) -> dict[str, tuple[str | None, str | None]]:
    return {c.field: (c.before, c.after) for c in row.changes}


def page_changes(world, tenant) -> None:
    """A campaign change by the manager and a role change by the owner, through the pages."""
    tenant.client(tenant.manager).post(
        f"/o/{tenant.org.slug}/campaigns/{world.campaign.pk}/edit/",
        {**CAMPAIGN_FORM, "tracking_plan": world.plan.pk},
    )
    tenant.client(tenant.owner).post(
        f"/o/{tenant.org.slug}/members/{tenant.manager_membership.pk}/", {"role": "finance"}
    )
