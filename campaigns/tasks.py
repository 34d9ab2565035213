"""Celery tasks of the campaigns app: thin, ids only, idempotent, acks_late."""

from __future__ import annotations

import logging

from celery import shared_task

from attribution.models import Store
from campaigns.clicks.flush import clicks_flush
from campaigns.clicks.partitions import partitions_maintain
from campaigns.models import LinkJob, Product
from campaigns.services.links import link_job_fail, link_job_step
from tenancy.scoping import tenant_scope
from tenancy.tasks import for_each_tenant, tenant_task

log = logging.getLogger(__name__)


@shared_task(name="campaigns.clicks_flush", acks_late=True, ignore_result=True)
def clicks_flush_task() -> int:
    """Every few seconds (beat): move clicks from the Redis stream to PostgreSQL. Crosses
    tenants like a scheduler; each tenant's rows are written in its own scope."""
    return clicks_flush()


@shared_task(name="campaigns.clicks_partitions_maintain", acks_late=True, ignore_result=True)
def clicks_partitions_maintain_task() -> dict[str, list[str]]:
    """Daily (beat): click partitions for this month and three ahead (idempotent); partitions
    past CLICK_EVENTS_RETENTION_MONTHS dropped one at a time, each only once the daily rollup
    is proven to hold its clicks. Crosses tenants like a scheduler."""
    return partitions_maintain()


@tenant_task(name="campaigns.links_generate", atomic=False)
def links_generate_job(organization_id: int, job_id: int) -> None:
    """A campaign's missing links, a chunk per transaction (each its own tenant scope) so the
    page shows progress. Running it twice makes nothing twice (only missing links are made)."""
    while True:
        try:
            with tenant_scope(organization_id):
                job = LinkJob.objects.select_related("campaign").filter(pk=job_id).first()
                if job is None:
                    return
                more = link_job_step(job=job)
        except Exception as exc:
            log.exception("link job %s failed", job_id)
            with tenant_scope(organization_id):
                job = LinkJob.objects.filter(pk=job_id).first()
                if job is not None:
                    link_job_fail(job=job, error=f"{exc.__class__.__name__}: {exc}")
            return
        if not more:
            return


@tenant_task(name="campaigns.products_metadata_refresh")
def products_metadata_refresh_task(
    organization_id: int, store_id: int, product_ids: list[int] | None = None
) -> str:
    """Amazon's catalog data for a store's products (the given ones, or all). When Amazon
    cannot be asked nothing changes; the next day's run asks again."""
    from campaigns.services.products import MetadataUnavailable, products_metadata_refresh

    store = Store.objects.select_related("connection").filter(pk=store_id).first()
    if store is None:
        return "gone"
    products = None
    if product_ids is not None:
        products = Product.objects.filter(pk__in=product_ids, removed_at=None)
    try:
        found, missing = products_metadata_refresh(store=store, products=products)
    except MetadataUnavailable as exc:
        log.info("product metadata of store %s not refreshed: %s", store_id, exc.message)
        return "unavailable"
    return f"{found} found, {missing} not found"


@shared_task(name="campaigns.products_metadata_refresh_all", ignore_result=True)
def products_metadata_refresh_all() -> int:
    """Daily (beat): one refresh per active store of every organisation."""
    queued = 0
    for organization_id in for_each_tenant():
        for store_id in Store.objects.filter(status=Store.Status.ACTIVE).values_list(
            "pk", flat=True
        ):
            products_metadata_refresh_task.delay_on_commit(organization_id, store_id)
            queued += 1
    return queued
