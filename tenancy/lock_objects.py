"""Row locks that several services take, each in one function so every caller takes them in
the same order (Saleor's `lock_objects.py`). Call them inside the service's transaction, before
reading what the lock protects."""

from __future__ import annotations

from tenancy.models import Membership, Role


def organization_owner_memberships_lock(*, organization_id: int) -> list[Membership]:
    """Lock the organisation's owner memberships, in primary-key order, until the transaction
    ends. Every change that may add or remove an owner takes this lock before it counts owners,
    so two owners demoting each other at the same moment run one after the other and the
    second one sees that it would leave no owner. Returns the owners as they are now locked
    (a concurrent transaction that demoted one of them, and committed first, removed it)."""
    return list(
        Membership.objects.select_for_update()
        .filter(organization_id=organization_id, role=Role.OWNER)
        .order_by("pk")
    )


def membership_lock(*, membership_id: int) -> Membership | None:
    """One membership, locked: taken after `organization_owner_memberships_lock` by a change
    to that member's role or membership."""
    return Membership.objects.select_for_update().filter(pk=membership_id).first()
