"""The reconciliation invariant of issue 14, as a property: whatever happens to a campaign in
whatever order - Amazon's days arriving and being restated, pauses and resumes, rate and basis
changes from a day (and applied to pending conversions), approvals, denials, payouts - for
every creator, month and currency:

    commission of eligible conversions + adjustments = owed = paid + payable + pending

(nothing is carried between payout runs here). And every conversion owes exactly what an
independent model of the campaign's terms says: Amazon's current figures of its day on the
basis in force then, at the rate in force then (the rate it was decided at, once decided), and
nothing on a day outside the campaign's terms."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attribution.models import DailyMetric
from campaigns.models import Campaign
from campaigns.services import campaign_update
from commissions.models import Conversion, ConversionAdjustment
from commissions.payouts import (
    payout_minimum_set,
    payout_run_cancel,
    payout_run_create,
    payout_run_pay,
)
from commissions.selectors.payables import payables_list
from commissions.selectors.payouts import reconciliation
from commissions.services import (
    campaign_terms_change,
    commission_for,
    conversions_decide,
)
from tenancy.scoping import tenant_scope
from tests.support.owed import assert_owed_rollups_equal_conversions
from tests.support.payouts import paypal
from tests.support.terms import terms_world

START = date(2026, 10, 1)
ZERO = Decimal("0")

OPS = st.one_of(
    st.tuples(
        st.just("days"), st.integers(1, 12), st.lists(st.integers(0, 400), min_size=2, max_size=2)
    ),
    st.tuples(st.just("restate"), st.integers(1, 20), st.integers(0, 400)),
    st.tuples(st.just("pause")),
    st.tuples(st.just("resume")),
    st.tuples(st.just("rate"), st.integers(0, 25), st.integers(0, 4)),
    st.tuples(st.just("rate_back"), st.integers(0, 25), st.integers(1, 15)),
    st.tuples(st.just("basis"), st.sampled_from(["promoted", "total"])),
    st.tuples(st.just("approve")),
    st.tuples(st.just("deny")),
    st.tuples(st.just("close_month")),
    st.tuples(st.just("pay")),
)


@dataclass
class Model:
    """What the campaign's terms are, written down independently of the product: each term
    on a day is its latest change from that day or before."""

    ends_on: date
    # (from, order, value): the last by (from, order) with from <= day holds
    rates: list[tuple[date, int, Decimal]] = field(default_factory=list)
    bases: list[tuple[date, int, str]] = field(default_factory=list)
    statuses: list[tuple[date, int, str]] = field(default_factory=list)
    n: int = 0

    def add(self, rows: list, day: date, value) -> None:
        self.n += 1
        rows.append((day, self.n, value))

    @staticmethod
    def on(rows: list, day: date):
        held = [r for r in rows if r[0] <= day]
        return max(held, key=lambda r: (r[0], r[1]))[2]

    @staticmethod
    def latest(rows: list):
        return max(rows, key=lambda r: (r[0], r[1]))[2]

    def rate(self, day: date) -> Decimal:
        return self.on(self.rates, day)

    def basis(self, day: date) -> str:
        return self.on(self.bases, day)

    def eligible(self, day: date) -> bool:
        if day < START or day > self.ends_on + timedelta(days=14):
            return False
        return self.on(self.statuses, day) == "active"


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=6, max_size=28), ends=st.integers(10, 50))
def test_reconciliation_holds_at_every_step(tenant_a, tenant_b, monkeypatch, ops, ends):
    with transaction.atomic():
        try:
            _run(tenant_a, monkeypatch, ops, START + timedelta(days=ends))
        finally:
            transaction.set_rollback(True)


def _run(tenant, monkeypatch, ops, ends_on: date) -> None:
    world = terms_world(
        tenant,
        monkeypatch,
        ends_on=ends_on,
        settlement_days=3,
        created=START,
        creators=2,
    )
    paypal(world.ccs[0].creator)  # the second creator has no payout details
    with tenant_scope(tenant.org):
        payout_minimum_set(currency="USD", amount="5.00", user=None)
    model = Model(ends_on=ends_on)
    model.add(model.rates, date.min, Decimal("10.00"))
    model.add(model.bases, date.min, "promoted")
    model.add(model.statuses, date.min, "active")
    today = START + timedelta(days=1)
    world.at(today)
    facts_through = START - timedelta(days=1)
    with tenant_scope(tenant.org):
        for op in ops:
            kind = op[0]
            campaign = Campaign.objects.select_related("store").get(pk=world.campaign.pk)
            if kind == "days":
                today += timedelta(days=op[1])
                world.at(today)
                while facts_through < today - timedelta(days=1):
                    facts_through += timedelta(days=1)
                    for cc, cents in zip(world.ccs, op[2], strict=True):
                        if cents:
                            world.fact(facts_through, cc, sales=Decimal(cents) / 4)
            elif kind == "restate":
                day = today - timedelta(days=op[1])
                DailyMetric.objects.filter(store=world.store, date=day).update(
                    sales=Decimal(op[2]) / 4, total_sales=Decimal(op[2]) * 3 / 8
                )
            elif kind in ("pause", "resume"):
                status = "paused" if kind == "pause" else "active"
                if campaign.status != status:
                    campaign_update(campaign=campaign, status=status)
                    model.add(model.statuses, today, status)
            elif kind == "rate":
                rate = Decimal(op[1]) + Decimal("0.50")
                day = today + timedelta(days=op[2])
                try:
                    campaign_update(campaign=campaign, default_commission_rate=rate, terms_from=day)
                except ValidationError:  # already the terms from that day: nothing changes
                    continue
                if rate != model.latest(model.rates):  # the campaign's rate going forward
                    model.add(model.rates, day, rate)
            elif kind == "rate_back":
                rate = Decimal(op[1]) + Decimal("0.25")
                day = today - timedelta(days=op[2])
                if rate == model.rate(day):
                    continue  # nothing would change from that day (refused)
                campaign_terms_change(
                    campaign=campaign,
                    effective_from=day,
                    default_commission_rate=rate,
                    commission_basis=model.basis(day),
                    settlement_days=3,
                    user=tenant.manager,
                    apply_to_pending=True,
                )
                model.add(model.rates, day, rate)
            elif kind == "basis":
                if model.latest(model.bases) != op[1]:
                    campaign_update(campaign=campaign, commission_basis=op[1])
                    model.add(model.bases, today, op[1])
            elif kind == "approve":
                ids = list(
                    Conversion.objects.filter(status="awaiting").values_list("pk", flat=True)
                )
                conversions_decide(conversion_ids=ids, approve=True, reason="", user=tenant.manager)
            elif kind == "deny":
                first = Conversion.objects.filter(status="awaiting").order_by("pk").first()
                if first:
                    conversions_decide(
                        conversion_ids=[first.pk],
                        approve=False,
                        reason="Returned",
                        user=tenant.manager,
                    )
            elif kind == "close_month":
                # time passes: approvals of an earlier month become payable
                Conversion.objects.filter(status="approved").update(
                    decided_at=timezone.now() - timedelta(days=40)
                )
            elif kind == "pay":
                # a payout run: balances at or above the minimum are paid, smaller and negative
                # ones carried to the next run; the creator without payout details is listed
                # and stays payable
                try:
                    run = payout_run_create(organization=tenant.org, user=tenant.manager)
                except ValidationError:  # nothing payable right now
                    run = None
                if run is not None:
                    try:
                        payout_run_pay(run_id=run.pk, user=tenant.manager, reference="run")
                    except ValidationError:  # only carried or rejected lines: nothing to send
                        payout_run_cancel(run_id=run.pk, user=tenant.manager)
            world.settle()
            _check(world, model)


def _check(world, model: Model) -> None:
    # the pages' owed figures (issue 16's rollups) equal the conversions' at every step
    assert_owed_rollups_equal_conversions(world.campaign.organization)
    facts = {
        (row["amazon_adgroup_id"], row["date"]): (row["s"], row["t"])
        for row in DailyMetric.objects.filter(store=world.store, level="adgroup")
        .values("amazon_adgroup_id", "date")
        .annotate(s=Sum("sales"), t=Sum("total_sales"))
    }
    conversions = list(
        Conversion.objects.filter(campaign=world.campaign)
        .select_related("campaign_creator")
        .with_owed()
    )
    for c in conversions:
        if c.status == "denied":
            continue
        promoted, total = facts.get((c.campaign_creator.amazon_adgroup_id, c.date), (ZERO, ZERO))
        sales = total if model.basis(c.date) == "total" else promoted
        if c.status in Conversion.UNDECIDED:
            assert c.commission_rate == model.rate(c.date), c.date
        expected = commission_for(sales, c.commission_rate, "USD") if model.eligible(c.date) else 0
        assert c.owed == expected, (c.date, c.status, c.ineligible_reason)
        assert bool(c.ineligible_reason) == (not model.eligible(c.date))
    # per creator, month and currency
    lhs: dict = defaultdict(Decimal)
    owed: dict = defaultdict(Decimal)
    paid: dict = defaultdict(Decimal)
    pending: dict = defaultdict(Decimal)
    payable: dict = defaultdict(Decimal)
    for c in conversions:
        if c.status == "denied":
            continue
        key = (c.creator_id, c.date.replace(day=1), c.currency)
        lhs[key] += c.commission
        owed[key] += c.owed
        if c.status in Conversion.UNDECIDED:
            pending[key] += c.owed
        elif c.status == "paid":
            paid[key] += c.commission
    for adj in (
        ConversionAdjustment.objects.on_top()
        .filter(conversion__campaign=world.campaign)
        .exclude(conversion__status="denied")
        .annotate(month=TruncMonth("conversion__date"))
        .values(
            "conversion__creator_id", "month", "conversion__currency", "commission", "payout_batch"
        )
    ):
        key = (adj["conversion__creator_id"], adj["month"], adj["conversion__currency"])
        lhs[key] += adj["commission"]
        if adj["payout_batch"] is not None:
            paid[key] += adj["commission"]
    for line in payables_list():
        payable[(line.key.creator_id, line.key.month, line.key.currency)] += line.owed
    # paid + payable + pending + carried (payout runs carry small and negative balances)
    rows = {(r.creator_id, r.month, r.currency): r for r in reconciliation()}
    for key in set(lhs) | set(owed) | set(paid) | set(payable) | set(pending) | set(rows):
        r = rows[key]
        assert lhs[key] == owed[key] == r.owed, key
        assert paid[key] == r.paid and pending[key] == r.pending, key
        assert payable[key] == r.payable + r.carried, key
        assert r.owed == r.paid + r.payable + r.pending + r.carried, key
