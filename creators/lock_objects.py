"""Row locks of the creators app, in one place and one order (Saleor's `lock_objects.py`):
a portal invitation first, then its creator (saving payout details takes the creator
alone). Spending an invitation takes both, so two spends
of one link run one after the other and the second sees it used.
Each function must be called inside `transaction.atomic()` (a `tenant_scope`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from creators.models import Creator, PayoutDetails, PortalInvitation


def portal_invitation_lock(*, invitation_id: int) -> PortalInvitation | None:
    return PortalInvitation.objects.select_for_update().filter(pk=invitation_id).first()


def creator_lock(*, creator_id: int) -> Creator:
    return Creator.objects.select_for_update().get(pk=creator_id)


def payout_details_lock_all() -> QuerySet[PayoutDetails]:
    """Every payout details row of the tenant, locked by primary key (key rotation)."""
    return PayoutDetails.objects.select_for_update().order_by("pk")
