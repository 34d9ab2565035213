"""Issue 16: the approval queue's totals per currency (commissions.rollups.awaiting_totals, on
the workflow dashboard) come from deltas a trigger appends in each writing statement's own
transaction. After any sequence of inserts, status changes, commission and currency changes,
deletes and compactions they equal counting the awaiting conversions, and one tenant's never
include another's."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, F, Sum

from commissions.models import AwaitingDelta, Conversion
from commissions.rollups import Awaiting, awaiting_compact, awaiting_totals
from tenancy.scoping import tenant_scope
from tests.factories import CampaignCreatorFactory, ConversionFactory, StoreFactory

STATUSES = ["pending", "awaiting", "approved", "denied"]


def counted() -> list[Awaiting]:
    return [
        Awaiting(row["currency"], row["n"], row["c"])
        for row in Conversion.objects.filter(status="awaiting")
        .values("currency")
        .annotate(n=Count("*"), c=Sum("commission"))
        .order_by("currency")
    ]


@pytest.mark.parametrize("seed", range(4))
def test_awaiting_totals_equal_counting_after_any_sequence_of_writes(tenant_a, tenant_b, seed):
    rng = random.Random(seed)
    with tenant_scope(tenant_b.org):  # another tenant's queue, written throughout
        ConversionFactory.create_batch(3, status="awaiting", commission=Decimal("1.00"))
        theirs = counted()
    with tenant_scope(tenant_a.org):
        creators = [
            CampaignCreatorFactory(campaign__store=StoreFactory(country_code=country))
            for country in ("US", "CA")
        ]

        def some() -> list[int]:
            ids = list(Conversion.objects.values_list("pk", flat=True))
            return rng.sample(ids, rng.randint(0, len(ids))) if ids else []

        operations = {
            "insert": lambda: [
                ConversionFactory(
                    campaign_creator=rng.choice(creators),
                    status=rng.choice(STATUSES),
                    commission=Decimal(rng.randint(0, 5000)) / 100,
                )
                for _ in range(rng.randint(1, 4))
            ],
            "decide": lambda: Conversion.objects.filter(pk__in=some()).update(
                status=rng.choice(STATUSES)
            ),
            "restate": lambda: Conversion.objects.filter(pk__in=some()).update(
                commission=F("commission") + Decimal("0.35")
            ),
            "move currency": lambda: Conversion.objects.filter(pk__in=some()).update(
                currency=rng.choice(["USD", "CAD", "EUR"])
            ),
            "delete": lambda: Conversion.objects.filter(pk__in=some()[:2]).delete(),
            "compact": awaiting_compact,
        }
        for _ in range(25):
            operations[rng.choice(list(operations))]()
            assert awaiting_totals() == counted()
        awaiting_compact()
        assert awaiting_totals() == counted()
        assert AwaitingDelta.objects.count() == len(counted())  # one row per currency
    with tenant_scope(tenant_b.org):
        assert awaiting_totals() == theirs == [Awaiting("USD", 3, Decimal("3.00"))]


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_every_tenants_awaiting_conversions(tenant_a, tenant_b):
    """Conversions that existed before commissions 0011 (two tenants, under row-level
    security): afterwards each tenant's totals equal its count. Ends at the latest migrations."""
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("commissions", "0010_awaiting_index")])
        for n, tenant in enumerate((tenant_a, tenant_b), start=1):
            with tenant_scope(tenant.org):
                ConversionFactory.create_batch(n, status="awaiting", commission=Decimal("1.50"))
                ConversionFactory(status="approved", commission=Decimal("9.00"))
        executor = MigrationExecutor(connection)
        executor.migrate([("commissions", "0011_awaiting_deltas")])
        for n, tenant in enumerate((tenant_a, tenant_b), start=1):
            with tenant_scope(tenant.org):
                assert awaiting_totals() == counted() == [Awaiting("USD", n, Decimal("1.50") * n)]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_daily_conversions_task_folds_each_tenants_deltas(tenant_a, tenant_b):
    from commissions.tasks import conversions_advance_all

    for tenant in (tenant_a, tenant_b):
        with tenant_scope(tenant.org):
            for _ in range(3):  # a delta row per statement
                ConversionFactory(status="awaiting", commission=Decimal("1.00"))
            assert AwaitingDelta.objects.count() == 3
    conversions_advance_all.apply()
    for tenant in (tenant_a, tenant_b):
        with tenant_scope(tenant.org):
            assert AwaitingDelta.objects.count() == 1
            assert awaiting_totals() == counted()
