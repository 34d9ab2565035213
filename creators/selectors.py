"""Reads of the creators app (tenant in scope). `*_get` answer 404 for a bad id, a missing row
and another tenant's alike (tenancy.access); `*_all` are the API's querysets."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from creators.models import CampaignCreator, Creator, PortalInvitation
from tenancy.access import access_by_id


def creators_all() -> QuerySet[Creator]:
    return Creator.objects.all()


def creator_get(*, creator_id: object) -> Creator:
    return access_by_id(Creator, creator_id)


def creators_with_ids(*, creator_ids: Iterable[int]) -> list[Creator]:
    """The tenant's creators among these ids (unknown and foreign ids are left out)."""
    return list(Creator.objects.filter(pk__in=creator_ids))


def campaign_creators_all() -> QuerySet[CampaignCreator]:
    return CampaignCreator.objects.select_related("campaign")


def campaign_creator_get(*, campaign_id: int, campaign_creator_id: object) -> CampaignCreator:
    """A creator in this campaign, with the creator and the campaign (404 for any other)."""
    return access_by_id(
        CampaignCreator.objects.select_related("creator", "campaign").filter(
            campaign_id=campaign_id
        ),
        campaign_creator_id,
    )


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
