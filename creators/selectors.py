"""Reads of the creators app (tenant in scope)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from creators.models import CampaignCreator, Creator


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
