"""Which brands a portal account belongs to, and what it may see inside one brand."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from campaigns.models import HIDDEN_FROM_CREATORS, AffiliateLink, Campaign, CampaignCreator
from creators.models import Creator
from tenancy.access import access_by_id
from tenancy.models import User


def portal_creator_for_user(*, user: User) -> Creator | None:
    """The account's creator profile in the organisation in scope (None: not theirs)."""
    return Creator.objects.filter(user=user).first()


@dataclass
class CampaignLinks:
    campaign_creator: CampaignCreator
    links: list[AffiliateLink] = field(default_factory=list)

    @property
    def campaign(self) -> Campaign:
        return self.campaign_creator.campaign


def portal_campaigns(*, creator: Creator) -> list[CampaignLinks]:
    """The creator's campaigns that are live for them (invited or active, not drafts), newest
    first, each with its working links (products first, the store page last). Two queries."""
    ccs = (
        CampaignCreator.objects.filter(creator=creator)
        .exclude(status=CampaignCreator.Status.REMOVED)
        .exclude(campaign__status__in=HIDDEN_FROM_CREATORS)
        .select_related("campaign__store")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=AffiliateLink.objects.filter(is_active=True)
                .select_related("product")
                .order_by("product_id", "pk"),
            )
        )
        .order_by("-campaign__starts_on", "-campaign_id")
    )
    result = []
    for cc in ccs:
        links = sorted(cc.links.all(), key=lambda link: (link.product_id is None, link.pk))
        result.append(CampaignLinks(cc, links))
    return result


def portal_link_get(*, creator: Creator, link_id: object) -> AffiliateLink:
    """One of the creator's own links that is live for them (tenant in scope); Http404 ("No
    such link.") for anyone else's, a draft campaign's, a removed creator's and a missing one
    alike (tenancy.access)."""
    links = (
        AffiliateLink.objects.filter(campaign_creator__creator=creator)
        .exclude(campaign_creator__status=CampaignCreator.Status.REMOVED)
        .exclude(campaign__status__in=HIDDEN_FROM_CREATORS)
        .select_related("product", "campaign__store__connection", "campaign_creator")
    )
    return access_by_id(links, link_id, message="No such link.")
