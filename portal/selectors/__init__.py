"""Reads of the creator portal, by sub-domain: brands (who may see what), numbers (clicks and
Amazon's results) and earnings."""

from portal.selectors.brands import (
    CampaignLinks,
    portal_campaigns,
    portal_creator_for_user,
    portal_link_get,
)

__all__ = [
    "CampaignLinks",
    "portal_campaigns",
    "portal_creator_for_user",
    "portal_link_get",
]
