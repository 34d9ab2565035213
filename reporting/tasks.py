"""Celery tasks of the reporting side."""

from __future__ import annotations

import functools
from typing import Any

from celery import shared_task
from django.db import transaction

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


def rankings_warm_after_sync(*, store: Any, **kwargs: Any) -> None:
    """Receiver of attribution.signals.sync_applied (connected in ReportingConfig.ready): the
    warming is queued once the sync's transaction has committed (the facts' new version).
    Best effort: a broker that cannot take it costs the first view its memo, not the sync."""
    # on commit like every task (delay_on_commit), but robust: a failure to enqueue is logged
    # after the sync has committed instead of raised into the sync's task
    transaction.on_commit(
        functools.partial(rankings_warm.apply_async, (store.organization_id, store.pk)),
        robust=True,
    )


@tenant_task(name="reporting.rankings_warm", max_retries=1)
def rankings_warm(organization_id: int, store_id: int) -> None:
    """After a sync of the store: rank the workflow dashboard's top lists and the store's
    campaign tabs over the default range once, so that the first view after the sync finds
    their period figures memoized (attribution.rollups.memoized_ranges_sql) instead of
    reading every creator's and link's from the rollups."""
    from attribution.models import Store
    from campaigns.models import Campaign
    from reporting.periods import period_default
    from reporting.selectors.performance_tables import TABLES, performance_table
    from reporting.selectors.trends import overview_trends

    period = period_default()
    overview_trends(period=period, stores=list(Store.objects.all()), latest=period.end)
    for campaign in Campaign.objects.filter(store_id=store_id):
        for name in TABLES:
            performance_table(campaign=campaign, period=period, name=name, per_page=1)
