"""Issue 16: the period figures that pages rank by are memoized per version of a store's facts
(attribution.rollups.memoized_ranges_sql). They equal the rollups' own, and no change to the
facts (insert, update, delete; in any store of the tenant) leaves a page reading older ones:
the version moves in the transaction that changes the facts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from attribution.models import AmazonConnection, DailyMetric, MetricVersion, Store
from attribution.rollups import (
    KeyFilter,
    memoized_ranges_sql,
    metric_ranges,
    metric_versions,
)
from tenancy.scoping import tenant_scope
from tests.factories import DailyMetricFactory, StoreFactory

RANGES = {"r": (date(2026, 10, 3), date(2026, 10, 6))}
VALUES = ("sales", "clicks")
BY = ("store_id", "amazon_creative_id")
KEYS = KeyFilter(levels=("creative",))


def memoized() -> dict[tuple, tuple]:
    sql, params = memoized_ranges_sql(keys=KEYS, ranges=RANGES, values=VALUES, by=BY)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {tuple(row[:2]): tuple(row[2:]) for row in cur.fetchall()}


def from_the_rollups() -> dict[tuple, tuple]:
    """The same figures read from the rollups (index probes), summed per creative id."""
    sums: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    for (store_id, _, _, _, creative), figures in metric_ranges(keys=KEYS, ranges=RANGES).items():
        sums[(store_id, creative)][0] += figures["r"]["sales"]
        sums[(store_id, creative)][1] += figures["r"]["clicks"]
    return {key: tuple(value) for key, value in sums.items()}


def fact(store, day: int, adgroup: str, creative: str, sales: str, clicks: int) -> None:
    DailyMetricFactory(
        store=store,
        date=date(2026, 10, day),
        level="creative",
        amazon_adgroup_id=adgroup,
        amazon_creative_id=creative,
        sales=Decimal(sales),
        clicks=clicks,
    )


def test_memoized_figures_equal_the_rollups_after_every_kind_of_change(tenant_a):
    with tenant_scope(tenant_a.org):
        us, ca = StoreFactory(country_code="US"), StoreFactory(country_code="CA")
        fact(us, 2, "ag-1", 'cr-"1"', "5.00", 1)  # before the range
        fact(us, 3, "ag-1", 'cr-"1"', "10.50", 12)
        fact(us, 4, "ag-2", 'cr-"1"', "1.25", 3)  # the same creative id under a second ad group
        fact(us, 6, "ag-2", "cr-2\\x", "7.00", 20)
        fact(ca, 5, "ag-9", "cr-2\\x", "99.99", 40)
        first = memoized()
        assert first == from_the_rollups()
        assert first[(us.pk, 'cr-"1"')] == (Decimal("11.75"), 15)
        assert first[(ca.pk, "cr-2\\x")] == (Decimal("99.99"), 40)
        assert memoized() == first  # read again from the memo

        changes = [
            lambda: DailyMetric.objects.filter(store=us, amazon_adgroup_id="ag-2").update(
                sales=Decimal("2.00")
            ),
            lambda: fact(us, 5, "ag-3", "cr-3", "3.00", 11),
            lambda: DailyMetric.objects.filter(store=ca).delete(),
            lambda: fact(ca, 7, "ag-9", "cr-2\\x", "0.01", 1),  # after the range
        ]
        previous = first
        for change in changes:
            change()
            now = memoized()
            assert now == from_the_rollups() and now != previous
            previous = now


def test_the_version_moves_with_the_facts_in_their_own_transaction(tenant_a):
    with tenant_scope(tenant_a.org):
        us, quiet = StoreFactory(country_code="US"), StoreFactory(country_code="CA")
        before = metric_versions()
        assert before[quiet.pk] == "0@-"  # never had facts
        fact(us, 3, "ag-1", "cr-1", "1.00", 1)  # (the test's transaction is still open)
        after = metric_versions()
        assert after[us.pk] != before[us.pk] and after[quiet.pk] == before[quiet.pk]
        DailyMetric.objects.filter(store=us).update(clicks=2)
        assert metric_versions([us.pk])[us.pk] not in (before[us.pk], after[us.pk])


def test_a_memo_is_per_store_level_and_campaign_not_per_key(tenant_a):
    with tenant_scope(tenant_a.org), pytest.raises(ValueError, match="not per key"):
        memoized_ranges_sql(
            keys=KeyFilter(levels=("creative",), creative_ids=("cr-1",)),
            ranges=RANGES,
            values=VALUES,
        )
    with tenant_scope(tenant_a.org), pytest.raises(ValueError, match="not key columns"):
        memoized_ranges_sql(keys=KEYS, ranges=RANGES, values=VALUES, by=("date",))
    with tenant_scope(tenant_a.org), pytest.raises(ValueError, match="has no"):
        memoized_ranges_sql(keys=KEYS, ranges=RANGES, values=("sales", "revenue"))


def test_an_organisation_whose_facts_went_first_can_be_deleted(db):
    """Deleting the facts writes the store's version again (as the benchmarks' teardown does
    before deleting their organisation): PostgreSQL's own cascade takes that row with the
    organisation instead of refusing the deletion at commit."""
    from tenancy.models import Organization

    org = Organization.objects.create(name="Gone", slug="gone")
    org_id = org.pk
    with tenant_scope(org):
        store = StoreFactory(country_code="US")
        fact(store, 3, "ag-1", "cr-1", "1.00", 1)
        DailyMetric.objects.all().delete()
        Store.objects.all().delete()
        AmazonConnection.objects.all().delete()
        assert MetricVersion.objects.exists()
    org.delete()
    connection.check_constraints()  # the deferred foreign keys, as at commit
    with tenant_scope(org_id):
        assert not MetricVersion.objects.exists()


def test_a_cache_that_cannot_answer_costs_the_memo_not_the_figures(tenant_a, settings):
    with tenant_scope(tenant_a.org):
        store = StoreFactory(country_code="US")
        fact(store, 3, "ag-1", "cr-1", "4.00", 5)
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            }
        }
        assert memoized() == from_the_rollups() == {(store.pk, "cr-1"): (Decimal("4.00"), 5)}
