"""Reading a tenant's creators back in the creators tests."""

from __future__ import annotations

from creators.models import Creator
from tenancy.scoping import tenant_scope


def names(org) -> list[str]:
    """The names of the organisation's creator profiles, sorted."""
    with tenant_scope(org):
        return list(Creator.objects.order_by("name").values_list("name", flat=True))
