"""Reads of the creator portal, by sub-domain: brands (who may see what), numbers (clicks and
Amazon's results) and earnings."""

from creators.portal.selectors.brands import (
    Brand,
    CampaignLinks,
    portal_brands_for_user,
    portal_campaigns,
    portal_creator_for_user,
    portal_creator_ids,
    portal_link_get,
)

__all__ = [
    "Brand",
    "CampaignLinks",
    "portal_brands_for_user",
    "portal_campaigns",
    "portal_creator_for_user",
    "portal_creator_ids",
    "portal_link_get",
]
