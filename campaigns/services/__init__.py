"""Writes of the campaigns app (tenant in scope, keyword-only, one transaction each)."""

from campaigns.services.campaign_creators import links_bulk_make
from campaigns.services.campaigns import (
    campaign_create,
    campaign_update,
    product_remove,
    products_add,
)
from campaigns.services.links import (
    link_create,
    link_job_run,
    link_set_active,
    links_deactivate_for,
    links_generate,
    links_sync,
)
from campaigns.services.tracking_plans import (
    store_publishers,
    tracking_plan_archive,
    tracking_plan_create,
    tracking_plan_delete,
    tracking_plan_refresh_tag,
    tracking_plan_rename,
    tracking_plan_unarchive,
)

__all__ = [
    "campaign_create",
    "campaign_update",
    "link_create",
    "link_job_run",
    "link_set_active",
    "links_bulk_make",
    "links_deactivate_for",
    "links_generate",
    "links_sync",
    "product_remove",
    "products_add",
    "store_publishers",
    "tracking_plan_archive",
    "tracking_plan_create",
    "tracking_plan_delete",
    "tracking_plan_refresh_tag",
    "tracking_plan_rename",
    "tracking_plan_unarchive",
]
