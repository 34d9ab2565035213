"""Creators on campaigns: adding them with a readable ad-group id unique in the campaign,
changing their terms and status (their links follow)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns import amazon_ids
from campaigns.lock_objects import campaign_adgroup_ids_lock
from campaigns.models import (
    AffiliateLink,
    Campaign,
    CampaignCreator,
    CampaignCreatorTerms,
    LinkJob,
)
from campaigns.services.campaigns import products_add
from campaigns.services.links import links_activate_for, links_deactivate_for, links_sync
from campaigns.terms import history_sorted
from creators.models import Creator
from tenancy.models import User


def campaign_creators_add(
    *,
    campaign: Campaign,
    creators: Iterable[Creator],
    commission_rate_override: Decimal | None = None,
    status: str = CampaignCreator.Status.INVITED,
    joined_on: date | None = None,
) -> list[CampaignCreator]:
    """Put creators in a campaign, each with a readable ad-group id unique in the campaign,
    then make their links. A creator removed earlier comes back with their links (and their
    first join date; the new override holds from the store's today). They are on the
    campaign from `joined_on` (default: the store's today)."""
    if status == CampaignCreator.Status.REMOVED:
        raise ValidationError({"status": "Add creators as invited or active."})
    today = campaign.store.today()
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
                    joined_on=joined_on or today,
                )
                CampaignCreatorTerms.objects.create(
                    campaign_creator=cc, commission_rate_override=commission_rate_override
                )
            elif cc.status == CampaignCreator.Status.REMOVED:
                cc.status = status
                cc.removed_on = None
                cc.save(update_fields=["status", "removed_on"])
                if cc.commission_rate_override != commission_rate_override:
                    campaign_creator_terms_set(
                        campaign_creator=cc,
                        effective_from=today,
                        commission_rate_override=commission_rate_override,
                    )
                links_activate_for(links=cc.links.all())
            added.append(cc)
        links_sync(campaign=campaign)
    return added


def campaign_creator_update(
    *,
    campaign_creator: CampaignCreator,
    status: str,
    commission_rate_override: Decimal | None,
    terms_from: date | None = None,
    changed_by: User | None = None,
) -> CampaignCreator:
    """Change the override or the status; removing stops the creator's links (404) and ends
    their days on the campaign (from the store's today). A new override holds from
    `terms_from` (default: the store's today), never from a past day."""
    if status not in CampaignCreator.Status.values:
        raise ValidationError({"status": "Pick a status."})
    cc = campaign_creator
    today = cc.campaign.store.today()
    with transaction.atomic():
        was = cc.status
        cc.status = status
        if status == CampaignCreator.Status.REMOVED and was != status:
            cc.removed_on = today
        elif was == CampaignCreator.Status.REMOVED and status != was:
            cc.removed_on = None
        cc.full_clean(exclude=["organization", "campaign", "creator"])
        cc.save(update_fields=["status", "removed_on"])
        if commission_rate_override != cc.commission_rate_override:
            campaign_creator_terms_set(
                campaign_creator=cc,
                effective_from=terms_from or today,
                commission_rate_override=commission_rate_override,
                changed_by=changed_by,
            )
        if status == CampaignCreator.Status.REMOVED and was != status:
            links_deactivate_for(links=cc.links.all())
        elif was == CampaignCreator.Status.REMOVED and status != was:
            links_activate_for(links=cc.links.all())
            links_sync(campaign=cc.campaign)
    return cc


def campaign_creator_terms_set(
    *,
    campaign_creator: CampaignCreator,
    effective_from: date,
    commission_rate_override: Decimal | None,
    changed_by: User | None = None,
    allow_past: bool = False,
    applied_to_pending: bool = False,
) -> CampaignCreatorTerms:
    """Record the creator's override from `effective_from` (None: the campaign's default rate).
    Days before it keep their rate: a past date only with `allow_past` (the manager's explicit
    choice, commissions.services.campaign_terms_change). The row's own override shows the
    latest."""
    cc = campaign_creator
    if not allow_past and effective_from < cc.campaign.store.today():
        raise ValidationError(
            {
                "terms_from": "Past days keep the rate they were earned at; pick today or a "
                "later day (or apply the change to pending conversions from Change terms)."
            }
        )
    row = CampaignCreatorTerms(
        campaign_creator=cc,
        effective_from=effective_from,
        commission_rate_override=commission_rate_override,
        changed_by=changed_by,
        applied_to_pending=applied_to_pending,
    )
    row.full_clean(exclude=["organization", "campaign_creator", "changed_by"])
    with transaction.atomic():
        if not CampaignCreatorTerms.objects.filter(campaign_creator=cc).exists():
            CampaignCreatorTerms.objects.create(
                campaign_creator=cc, commission_rate_override=cc.commission_rate_override
            )
        row.save()
        latest = history_sorted(CampaignCreatorTerms.objects.filter(campaign_creator=cc))[-1]
        cc.commission_rate_override = latest.commission_rate_override
        CampaignCreator.objects.filter(pk=cc.pk).update(
            commission_rate_override=latest.commission_rate_override
        )
    return row


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
