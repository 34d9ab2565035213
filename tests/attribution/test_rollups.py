"""Issue 16: the rollups (MetricRollup per key and day, MetricTotal per key) equal the sums of
the facts they summarise after any sequence of syncs, restatements, held pulls, applied held
pulls, re-pulls of older days and rows Amazon stops returning. Against the sandbox over real
HTTP; the sequences are drawn by hypothesis."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, F, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attribution.models import METRIC_FIELDS, DailyMetric, MetricRollup, MetricTotal, SyncRun
from attribution.rollups import LIFETIME, KeyFilter, metric_ranges
from attribution.sync.service import held_run_apply
from attribution.sync.windows import Window
from tenancy.scoping import tenant_scope
from tests.factories import DailyMetricFactory, StoreFactory
from tests.support.amazon import sandbox_control
from tests.support.sync import WINDOW, sync

ROLLED = (*METRIC_FIELDS, "fact_rows")
KEY = ("level", "amazon_campaign_id", "amazon_adgroup_id", "amazon_creative_id")
OLDER = Window(date(2026, 9, 25), date(2026, 10, 31))  # a re-pull of older days, overlapping
START = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
_owners = itertools.count()


def facts_by_key_and_day(store_id: int) -> dict[tuple, dict[str, object]]:
    """What the rollups must hold, summed straight from the facts."""
    sums = {m: Sum(m) for m in METRIC_FIELDS}
    facts = DailyMetric.objects.filter(store_id=store_id)
    expected: dict[tuple, dict[str, object]] = {}
    for r in facts.values(*KEY, "date").annotate(**sums, fact_rows=Count("pk")):
        expected[(*(r[k] for k in KEY), r["date"])] = {m: r[m] for m in ROLLED}
    for r in (
        facts.filter(level="adgroup")
        .values("amazon_campaign_id", "date")
        .annotate(**sums, fact_rows=Count("pk"))
    ):
        expected[("adgroups", r["amazon_campaign_id"], "", "", r["date"])] = {
            m: r[m] for m in ROLLED
        }
    return expected


def assert_rollups_equal_facts(store_id: int, organization_id: int) -> None:
    with tenant_scope(organization_id):
        expected = facts_by_key_and_day(store_id)
        rows = MetricRollup.objects.filter(key__store_id=store_id).values(
            "date",
            *ROLLED,
            *(f"{m}_to_date" for m in ROLLED),
            **{k: F(f"key__{k}") for k in KEY},
        )
        days = {(*(r[k] for k in KEY), r["date"]): r for r in rows}
        # every rollup row's key number names a totals row (none is left behind)
        assert not MetricRollup.objects.exclude(key_id__in=MetricTotal.objects.values("id"))
        totals = {
            tuple(r[k] for k in KEY): r
            for r in MetricTotal.objects.filter(store_id=store_id).values(
                *KEY, "last_date", *ROLLED
            )
        }
    assert set(days) == set(expected)
    running: dict[tuple, dict[str, object]] = defaultdict(lambda: dict.fromkeys(ROLLED, 0))
    last: dict[tuple, date] = {}
    for key_day in sorted(expected):
        key, day = key_day[:4], key_day[4]
        row = days[key_day]
        for m in ROLLED:
            assert row[m] == expected[key_day][m], (key_day, m)
            running[key][m] += expected[key_day][m]  # type: ignore[operator]
            assert row[f"{m}_to_date"] == running[key][m], (key_day, m)
        last[key] = day
    assert set(totals) == set(running)
    for key, total in totals.items():
        assert total["last_date"] == last[key]
        assert {m: total[m] for m in ROLLED} == running[key]


def _sync(store, window: Window = WINDOW) -> SyncRun:
    return sync(store, owner=f"rollup-{next(_owners)}", window=window)


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("sync"), st.just(0)),
        st.tuples(st.just("later"), st.integers(1, 12)),  # days on: Amazon restates
        st.tuples(st.just("held"), st.just(0)),
        st.tuples(st.just("apply"), st.just(0)),
        st.tuples(st.just("older"), st.just(0)),
        st.tuples(st.just("stray"), st.integers(0, 25)),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_rollups_equal_the_facts_after_any_sequence_of_syncs(
    steps, campaign, amazon_sandbox, tenant_a, tenant_b
):
    store = campaign.store
    org = store.organization_id
    now = START
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": now.isoformat()})
    _sync(store)
    assert_rollups_equal_facts(store.pk, org)
    for action, n in steps:
        if action == "sync":
            _sync(store)
        elif action == "later":
            now += timedelta(days=n)
            sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": now.isoformat()})
            _sync(store)
        elif action == "held":
            sandbox_control(amazon_sandbox, "/sandbox/faults", {"empty_report": {"count": 3}})
            _sync(store)
            sandbox_control(amazon_sandbox, "/sandbox/reset", {})
        elif action == "apply":
            with tenant_scope(org):
                held = SyncRun.objects.filter(store=store, status="held").first()
            if held is not None:
                with tenant_scope(org):
                    held_run_apply(run_id=held.pk, user=tenant_a.manager)
        elif action == "older":
            _sync(store, OLDER)
        elif action == "stray":
            # a row the next pull of its day will not return (removed then)
            day = WINDOW.start + timedelta(days=n)
            with tenant_scope(org):
                if DailyMetric.objects.filter(amazon_adgroup_id="stray", date=day).exists():
                    continue
            DailyMetricFactory(
                store=store,
                date=day,
                level="adgroup",
                amazon_campaign_id=campaign.amazon_campaign_id,
                amazon_adgroup_id="stray",
                publisher="Stray",
                clicks=3,
                sales=Decimal("9.99"),
                purchases=1,
            )
        assert_rollups_equal_facts(store.pk, org)
    # the other tenant holds and sees nothing of it
    with tenant_scope(tenant_b.org):
        assert not MetricRollup.objects.exists() and not MetricTotal.objects.exists()


def test_ranges_read_from_the_rollups_equal_sums_over_the_facts(campaign, amazon_sandbox):
    store = campaign.store
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": START.isoformat()})
    _sync(store)
    ranges = {
        "all": (WINDOW.start, WINDOW.end),
        "inside": (date(2026, 10, 25), date(2026, 11, 2)),
        "before": (date(2026, 9, 1), date(2026, 10, 19)),
        "past the end": (date(2026, 11, 10), date(2026, 12, 31)),
    }
    with tenant_scope(store.organization_id):
        read = metric_ranges(
            keys=KeyFilter(levels=("campaign", "adgroup", "creative")), ranges=ranges
        )
        facts = DailyMetric.objects.filter(store=store)
        assert read
        for (store_id, level, campaign_id, adgroup_id, creative_id), figures in read.items():
            assert store_id == store.pk
            mine = facts.filter(
                level=level,
                amazon_campaign_id=campaign_id,
                amazon_adgroup_id=adgroup_id,
                amazon_creative_id=creative_id,
            )
            for name, (start, end) in [*ranges.items(), (LIFETIME, (date.min, date.max))]:
                sums = mine.filter(date__range=(start, end)).aggregate(
                    **{m: Sum(m) for m in METRIC_FIELDS}, fact_rows=Count("pk")
                )
                assert figures[name] == {m: sums[m] or 0 for m in ROLLED}, (name, level)


def test_rollup_rows_are_row_secured(campaign, amazon_sandbox, tenant_b):
    """Raw SQL as the other tenant, or with no tenant, reads none of them."""
    _sync(campaign.store)
    for scope in (tenant_b.org.pk, None):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('app.tenant_id', %s, false)", [str(scope) if scope else ""]
            )
            cursor.execute(
                "SELECT (SELECT count(*) FROM attribution_metricrollup), "
                "(SELECT count(*) FROM attribution_metrictotal)"
            )
            assert cursor.fetchone() == (0, 0)
            cursor.execute("SELECT set_config('app.tenant_id', '', false)")
    with tenant_scope(campaign.organization_id):
        assert MetricRollup.objects.exists() and MetricTotal.objects.exists()


# --- the migration that numbers the keys ---------------------------------------------------------

BEFORE_NUMBERS = ("attribution", "0012_rollup_refresh_plans")
NUMBERED = ("attribution", "0013_metric_rollup_keys")


@pytest.mark.django_db(transaction=True)
def test_the_migration_that_numbers_the_keys_rolls_every_tenants_facts_up_again(tenant_a, tenant_b):
    """Existing facts of two tenants, rolled up in the previous shape; after attribution 0013
    (as the app role, under row-level security) both tenants' rollups equal their facts, and
    going back restores the previous shape's rows. Ends at the latest migrations again."""
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([BEFORE_NUMBERS])
        stores = {}
        for tenant in (tenant_a, tenant_b):
            with tenant_scope(tenant.org):
                store = StoreFactory()
                for n in range(12):
                    DailyMetricFactory(
                        store=store,
                        date=date(2026, 10, 1) + timedelta(days=n % 5),
                        level=("campaign", "adgroup", "creative")[n % 3],
                        amazon_campaign_id="c1",
                        amazon_adgroup_id="" if n % 3 == 0 else f"ag-{n % 2}",
                        amazon_creative_id=f"cr-{n % 4}" if n % 3 == 2 else "",
                        publisher=f"p{n}",
                        clicks=n + 1,
                        sales=Decimal(n) + Decimal("0.99"),
                    )
            stores[tenant.org.pk] = store.pk
        with tenant_scope(tenant_a.org), connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM attribution_metricrollup WHERE store_id = %s",
                [stores[tenant_a.org.pk]],
            )
            assert cursor.fetchone()[0] > 0  # the previous shape, keyed by the key's columns

        executor = MigrationExecutor(connection)
        executor.migrate([NUMBERED])
        for org, store_id in stores.items():
            assert_rollups_equal_facts(store_id, org)

        executor = MigrationExecutor(connection)
        executor.migrate([BEFORE_NUMBERS])
        with tenant_scope(tenant_b.org), connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), sum(clicks) FROM attribution_metricrollup WHERE store_id = %s",
                [stores[tenant_b.org.pk]],
            )
            rows, clicks = cursor.fetchone()
            assert rows > 0
            expected = DailyMetric.objects.filter(store_id=stores[tenant_b.org.pk]).aggregate(
                s=Sum("clicks")
            )["s"]
            # campaign, ad group and creative rows, and "all ad groups" counting them again
            adgroups = DailyMetric.objects.filter(
                store_id=stores[tenant_b.org.pk], level="adgroup"
            ).aggregate(s=Sum("clicks"))["s"]
            assert clicks == expected + adgroups
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
