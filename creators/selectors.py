"""Reads of the creators app (tenant in scope). `*_get` answer 404 for a bad id, a missing row
and another tenant's alike (tenancy.access); `*_all` are the API's querysets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from creators.models import Creator, PayoutDetailsChange, PortalInvitation
from tenancy.access import access_by_id
from tenancy.models import Organization, User
from tenancy.scoping import user_scope


def creators_all() -> QuerySet[Creator]:
    return Creator.objects.all()


def creator_get(*, creator_id: object) -> Creator:
    return access_by_id(Creator, creator_id)


def creators_with_ids(*, creator_ids: Iterable[int]) -> list[Creator]:
    """The tenant's creators among these ids (unknown and foreign ids are left out)."""
    return list(Creator.objects.filter(pk__in=creator_ids))


def creators_list(*, query: str = "") -> QuerySet[Creator]:
    creators = Creator.objects.annotate(
        campaign_count=Count("campaigns", filter=~Q(campaigns__status="removed"))
    )
    if query:
        creators = creators.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(handle__icontains=query)
        )
    return creators.order_by("name", "pk")


def portal_invitations_latest(*, creator_ids: list[int]) -> dict[int, PortalInvitation]:
    """The latest portal invitation of each of these creators (one query)."""
    latest: dict[int, PortalInvitation] = {}
    for invitation in PortalInvitation.objects.filter(creator_id__in=creator_ids).order_by(
        "creator_id", "-created_at", "-pk"
    ):
        latest.setdefault(invitation.creator_id, invitation)
    return latest


@dataclass(frozen=True)
class Brand:
    """One of the account's creator profiles, with its organisation."""

    organization: Organization
    creator_id: int
    creator_name: str


def portal_brands_for_user(*, user: User) -> list[Brand]:
    """The account's creator profiles in every organisation, by brand name. The only read
    across tenants in the portal: row-level security lets a creators_creator row through
    when its user is `app.user_id` (creators/migrations/0003_portal)."""
    with user_scope(user.pk):
        # unscoped: the signed-in account's own profiles across brands (RLS-bound as above).
        profiles = list(
            Creator.unscoped.filter(user=user)
            .select_related("organization")
            .order_by("organization__name", "pk")
        )
    return [Brand(p.organization, p.pk, p.name) for p in profiles]


def portal_creator_ids(*, user: User) -> list[int]:
    return sorted(b.creator_id for b in portal_brands_for_user(user=user))


def payout_details_changes(*, creator: Creator, limit: int = 20) -> list[PayoutDetailsChange]:
    """The creator's latest payout-detail changes (who, when, which fields; no values)."""
    return list(
        PayoutDetailsChange.objects.filter(creator=creator).select_related("changed_by")[:limit]
    )
