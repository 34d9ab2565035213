"""Creators on campaigns: adding them with a readable ad-group id unique in the campaign,
changing their terms and status (their links follow)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns import amazon_ids
from campaigns.lock_objects import campaign_adgroup_ids_lock
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, LinkJob
from campaigns.services.campaigns import products_add
from campaigns.services.links import links_activate_for, links_deactivate_for, links_sync
from creators.models import Creator


def campaign_creators_add(
    *,
    campaign: Campaign,
    creators: Iterable[Creator],
    commission_rate_override: Decimal | None = None,
    status: str = CampaignCreator.Status.INVITED,
) -> list[CampaignCreator]:
    """Put creators in a campaign, each with a readable ad-group id unique in the campaign,
    then make their links. A creator removed earlier comes back with their links."""
    if status == CampaignCreator.Status.REMOVED:
        raise ValidationError({"status": "Add creators as invited or active."})
    with transaction.atomic():
        campaign_adgroup_ids_lock(campaign_id=campaign.pk)
        existing = {cc.creator_id: cc for cc in CampaignCreator.objects.filter(campaign=campaign)}
        taken = {cc.amazon_adgroup_id for cc in existing.values()}
        added = []
        for creator in creators:
            cc = existing.get(creator.pk)
            if cc is None:
                adgroup = amazon_ids.unique_id(
                    amazon_ids.adgroup_id_base(handle=creator.handle, name=creator.name), taken
                )
                taken.add(adgroup)
                cc = CampaignCreator.objects.create(
                    campaign=campaign,
                    creator=creator,
                    commission_rate_override=commission_rate_override,
                    status=status,
                    amazon_adgroup_id=adgroup,
                )
            elif cc.status == CampaignCreator.Status.REMOVED:
                cc.status = status
                cc.commission_rate_override = commission_rate_override
                cc.save(update_fields=["status", "commission_rate_override"])
                links_activate_for(links=cc.links.all())
            added.append(cc)
        links_sync(campaign=campaign)
    return added


def campaign_creator_update(
    *, campaign_creator: CampaignCreator, status: str, commission_rate_override: Decimal | None
) -> CampaignCreator:
    """Change the override or the status; removing stops the creator's links (404)."""
    if status not in CampaignCreator.Status.values:
        raise ValidationError({"status": "Pick a status."})
    cc = campaign_creator
    with transaction.atomic():
        was = cc.status
        cc.status = status
        cc.commission_rate_override = commission_rate_override
        cc.full_clean(exclude=["organization", "campaign", "creator"])
        cc.save(update_fields=["status", "commission_rate_override"])
        if status == CampaignCreator.Status.REMOVED and was != status:
            links_deactivate_for(links=cc.links.all())
        elif was == CampaignCreator.Status.REMOVED and status != was:
            links_activate_for(links=cc.links.all())
            links_sync(campaign=cc.campaign)
    return cc


def links_bulk_make(
    *, campaign: Campaign, creators: list[Creator], products: list[tuple[str, str]]
) -> tuple[int, LinkJob | None]:
    """Add `products` (ASIN, title) and `creators` to the campaign, then make every missing
    link: inline up to the limit, else in a background job. Returns how many links exist now
    that did not before, and the job when one started."""
    before = AffiliateLink.objects.filter(campaign=campaign).count()
    if products:
        products_add(campaign=campaign, entries=products)
    if creators:
        campaign_creators_add(campaign=campaign, creators=creators)
    result = links_sync(campaign=campaign)
    job = result if isinstance(result, LinkJob) else None
    return AffiliateLink.objects.filter(campaign=campaign).count() - before, job
