"""Issue 16: the owed rollups (OwedRollup per campaign creator or campaign and day, OwedTotal
per each) equal what the conversions owe (`owing().with_owed()`) after any sequence of writes to
conversions and their adjustments: rows added, commissions restated, denials and their
reversal, adjustments owed on top or folded in (and switched), conversions moved to another day
or creator, rows deleted; single-row and bulk statements alike. The other tenant sees none of
them. Sequences drawn by hypothesis; the real write paths (settlement, approvals, terms,
payouts) are covered by test_reconciliation_property.py, which checks the same after every
step."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissions.models import (
    Conversion,
    ConversionAdjustment,
    OwedRollup,
    OwedScope,
    OwedTotal,
)
from commissions.rollups import LIFETIME, owed_ranges
from tenancy.scoping import tenant_scope
from tests.support.owed import assert_owed_rollups_equal_conversions
from tests.support.terms import terms_world

DAY0 = date(2026, 10, 1)

CC, DAY, CENTS = st.integers(0, 1), st.integers(0, 15), st.integers(-500, 5000)
STEP = st.one_of(
    st.tuples(st.just("add"), st.lists(st.tuples(CC, DAY, CENTS), min_size=1, max_size=6)),
    st.tuples(st.just("restate"), DAY, CENTS),
    st.tuples(st.just("deny"), CC, DAY),
    st.tuples(st.just("undeny"), CC, DAY),
    st.tuples(st.just("approve_all")),
    st.tuples(st.just("adjust"), CC, DAY, CENTS, st.booleans()),
    st.tuples(st.just("fold_all"), st.booleans()),
    st.tuples(st.just("move_day"), CC, DAY, DAY),
    st.tuples(st.just("move_creator"), CC, DAY),
    st.tuples(st.just("delete"), DAY),
    st.tuples(st.just("delete_adjustments"), CC),
)


def _add(world, rows) -> None:
    taken = set(Conversion.objects.values_list("campaign_creator_id", "date"))
    new = {}
    for i, day, cents in rows:
        cc = world.ccs[i]
        when = DAY0 + timedelta(days=day)
        if (cc.pk, when) not in taken:
            new[(cc.pk, when)] = Conversion(
                store=world.store,
                campaign=world.campaign,
                campaign_creator=cc,
                creator=cc.creator,
                date=when,
                currency="USD",
                sales=Decimal(cents) / 10,
                commission_rate=Decimal("10.00"),
                commission=Decimal(cents) / 100,
                settles_on=when + timedelta(days=30),
            )
    Conversion.objects.bulk_create(new.values())


def _step(world, step) -> None:
    kind, *arg = step
    conversions = Conversion.objects.filter(campaign=world.campaign)
    if kind == "add":
        _add(world, arg[0])
    elif kind == "restate":
        conversions.filter(date=DAY0 + timedelta(days=arg[0])).update(
            commission=Decimal(arg[1]) / 100
        )
    elif kind in ("deny", "undeny"):
        status = "denied" if kind == "deny" else "awaiting"
        for c in conversions.filter(
            campaign_creator=world.ccs[arg[0]], date=DAY0 + timedelta(days=arg[1])
        ):
            c.status = status
            c.save()
    elif kind == "approve_all":
        conversions.exclude(status="denied").update(status="approved")
    elif kind == "adjust":
        i, day, cents, included = arg
        c = conversions.filter(
            campaign_creator=world.ccs[i], date=DAY0 + timedelta(days=day)
        ).first()
        if c is not None:
            ConversionAdjustment.objects.create(
                conversion=c,
                kind="clawback" if cents < 0 else "top_up",
                included=included,
                commission=Decimal(cents) / 100,
            )
    elif kind == "fold_all":
        ConversionAdjustment.objects.update(included=arg[0])
    elif kind == "move_day":
        i, day, to = arg
        target = DAY0 + timedelta(days=to)
        if not conversions.filter(campaign_creator=world.ccs[i], date=target).exists():
            conversions.filter(
                campaign_creator=world.ccs[i], date=DAY0 + timedelta(days=day)
            ).update(date=target)
    elif kind == "move_creator":
        i, day = arg
        source, target = world.ccs[i], world.ccs[1 - i]
        when = DAY0 + timedelta(days=day)
        if not conversions.filter(campaign_creator=target, date=when).exists():
            conversions.filter(campaign_creator=source, date=when).update(
                campaign_creator=target, creator=target.creator
            )
    elif kind == "delete":
        conversions.filter(date=DAY0 + timedelta(days=arg[0])).delete()
    elif kind == "delete_adjustments":
        ConversionAdjustment.objects.filter(conversion__campaign_creator=world.ccs[arg[0]]).delete()


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=10))
def test_owed_rollups_equal_the_conversions_after_any_writes(
    steps, tenant_a, tenant_b, monkeypatch
):
    with transaction.atomic():  # each example starts from the same empty tenants
        try:
            world = terms_world(tenant_a, monkeypatch, creators=2)
            for step in steps:
                with tenant_scope(tenant_a.org):
                    _step(world, step)
                assert_owed_rollups_equal_conversions(tenant_a.org)
            with tenant_scope(tenant_b.org):
                assert not OwedRollup.objects.exists() and not OwedTotal.objects.exists()
        finally:
            transaction.set_rollback(True)


def test_owed_ranges_equal_sums_over_the_conversions(tenant_a, monkeypatch):
    world = terms_world(tenant_a, monkeypatch, creators=2)
    with tenant_scope(tenant_a.org):
        _add(world, [(i, day, 100 + 7 * day + i) for i in (0, 1) for day in range(0, 30, 3)])
        c = Conversion.objects.filter(campaign_creator=world.ccs[0], date=DAY0).get()
        ConversionAdjustment.objects.create(
            conversion=c, kind="clawback", included=False, commission=Decimal("-0.40")
        )
        Conversion.objects.filter(date=DAY0 + timedelta(days=9)).update(status="denied")
        ranges = {
            "a": (DAY0, DAY0 + timedelta(days=9)),
            "b": (DAY0 + timedelta(days=3), DAY0 + timedelta(days=3)),
            "none": (DAY0 + timedelta(days=1), DAY0 + timedelta(days=2)),
        }
        read = owed_ranges(scope=OwedScope.CREATOR, ids=[cc.pk for cc in world.ccs], ranges=ranges)
        assert set(read) == {cc.pk for cc in world.ccs}
        for cc in world.ccs:
            rows = Conversion.objects.filter(campaign_creator=cc).owing().with_owed()
            for name, (start, end) in [*ranges.items(), (LIFETIME, (DAY0, DAY0 + timedelta(99)))]:
                expected = rows.filter(date__range=(start, end)).aggregate(s=Sum("owed"))["s"]
                assert read[cc.pk][name].owed == (expected or 0), (cc.pk, name)
        campaign = owed_ranges(scope=OwedScope.CAMPAIGN, ids=[world.campaign.pk], ranges=ranges)
        assert campaign[world.campaign.pk]["a"].owed == sum(
            read[cc.pk]["a"].owed for cc in world.ccs
        )
        assert campaign[world.campaign.pk]["none"].conversions == 0
