"""Celery tasks of the ledger."""

from __future__ import annotations

from celery import shared_task

from attribution.models import Store
from commissions.rollups import awaiting_compact
from commissions.services import conversions_advance
from tenancy.tasks import for_each_tenant


# The name predates this app; the beat schedule and queued messages carry it.
@shared_task(name="reporting.conversions_advance_all", ignore_result=True)
def conversions_advance_all() -> None:
    """Daily: settlement dates pass and months close even on days without a sync; the
    approval queue's deltas are folded (one row per currency)."""
    for _ in for_each_tenant():
        for store in Store.objects.all():
            conversions_advance(store=store)
        awaiting_compact()
