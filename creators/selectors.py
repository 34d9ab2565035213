"""Reads of the creators app (tenant in scope)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from creators.models import CampaignCreator, Creator, PortalInvitation


def creators_list(*, query: str = "") -> QuerySet[Creator]:
    creators = Creator.objects.annotate(
        campaign_count=Count("campaigns", filter=~Q(campaigns__status="removed"))
    )
    if query:
        creators = creators.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(handle__icontains=query)
        )
    return creators.order_by("name", "pk")


def creator_campaigns(*, creator: Creator) -> QuerySet[CampaignCreator]:
    return (
        CampaignCreator.objects.filter(creator=creator)
        .select_related("campaign__store")
        .annotate(link_count=Count("links", filter=Q(links__is_active=True)))
        .order_by("-campaign__starts_on")
    )


def portal_invitations_latest(*, creator_ids: list[int]) -> dict[int, PortalInvitation]:
    """The latest portal invitation of each of these creators (one query)."""
    latest: dict[int, PortalInvitation] = {}
    for invitation in PortalInvitation.objects.filter(creator_id__in=creator_ids).order_by(
        "creator_id", "-created_at", "-pk"
    ):
        latest.setdefault(invitation.creator_id, invitation)
    return latest
