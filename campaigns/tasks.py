"""Celery tasks of the campaigns app: thin, ids only, idempotent, acks_late."""

from __future__ import annotations

import logging

from celery import shared_task

from campaigns.clicks.flush import clicks_flush
from campaigns.clicks.partitions import partitions_maintain
from campaigns.models import LinkJob
from campaigns.services.links import link_job_fail, link_job_step
from tenancy.scoping import tenant_scope
from tenancy.tasks import tenant_task

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
