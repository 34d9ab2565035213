"""Celery tasks of the reporting side."""

from __future__ import annotations

from celery import shared_task

from tenancy.tasks import for_each_tenant, tenant_task


@tenant_task(name="reporting.export_run", atomic=False, max_retries=0)
def export_run(organization_id: int, export_id: int) -> None:
    """Write one large export's file; the job row records progress and the outcome (each
    step in its own tenant scope)."""
    from reporting.exports.jobs import export_run as run

    run(organization_id=organization_id, export_id=export_id)


@shared_task(name="reporting.exports_expire", ignore_result=True)
def exports_expire() -> None:
    """Hourly: remove export files past their retention."""
    from reporting.exports.jobs import exports_expire as expire

    for _ in for_each_tenant():
        expire()
