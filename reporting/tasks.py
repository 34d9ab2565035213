"""Celery tasks of the reporting side."""

from __future__ import annotations

from celery import shared_task

from attribution.models import Store
from reporting.services import conversions_advance
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


@shared_task(name="reporting.conversions_advance_all", ignore_result=True)
def conversions_advance_all() -> None:
    """Daily: settlement dates pass and months close even on days without a sync."""
    for org_id in Organization.objects.values_list("pk", flat=True).order_by("pk"):
        with tenant_scope(org_id):
            for store in Store.objects.all():
                conversions_advance(store=store)
