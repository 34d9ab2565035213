"""Payout runs: balances per creator and currency above the minimum are paid, negative and small
ones are carried to the next run (never a negative payout), lines the files cannot express are
rejected, and owed = paid + payable + pending + carried holds at every step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from commissions.models import Conversion, ConversionAdjustment, PayoutLine, PayoutRun
from commissions.payouts import (
    payout_minimum_set,
    payout_run_cancel,
    payout_run_create,
    payout_run_pay,
    runnable_adjustments,
    runnable_conversions,
)
from commissions.selectors.payouts import creator_payouts, reconciliation
from tenancy.scoping import tenant_scope
from tests.support.payouts import Shop, bank, paypal

pytestmark = pytest.mark.django_db

OCT = date(2026, 10, 5)


def _lines(run: PayoutRun) -> dict[str, tuple[str, str]]:
    return {
        line.creator.name: (line.outcome, str(line.amount))
        for line in run.lines.select_related("creator")
    }


def _balanced(creator_id: int | None = None) -> list:
    rows = reconciliation(creator_id=creator_id)
    assert all(r.balanced for r in rows), [r for r in rows if not r.balanced]
    return rows


@pytest.fixture
def usd(tenant_a, tenant_b):
    shop = Shop(tenant_a, "USD")
    Shop(tenant_b, "USD").earn(Shop(tenant_b, "USD").creator("Other"), "999.00")
    return shop


def test_minimum_carry_forward_and_rejection(usd, tenant_a):
    ann, ben, cat, dan = (usd.creator(n) for n in ("Ann", "Ben", "Cat", "Dan"))
    for creator in (ann, ben, dan):
        paypal(creator)
    usd.earn(ann, "60.00")
    usd.earn(ann, "5.00", status="approved")  # approved this month: not payable yet
    usd.earn(ann, "7.00", status="pending")
    ben_first = usd.earn(ben, "20.00")
    usd.earn(cat, "70.00")  # no payout details
    dan_paid = usd.earn(dan, "30.00", status="paid")
    dan_clawback = usd.clawback(dan_paid, "-40.00")  # Amazon took back more than Dan earned
    usd.earn(dan, "25.00", day=OCT)
    with tenant_scope(tenant_a.org):
        payout_minimum_set(currency="usd", amount="50", user=tenant_a.owner)
        _balanced()
        run = payout_run_create(organization=tenant_a.org, user=tenant_a.owner)
        assert _lines(run) == {
            "Ann": ("pay", "60.00"),
            "Ben": ("carried", "20.00"),
            "Cat": ("rejected", "70.00"),
            "Dan": ("carried", "-15.00"),
        }
        lines = {line.creator.name: line for line in run.lines.select_related("creator")}
        assert "minimum payout of 50.00 USD" in lines["Ben"].reason
        assert "Negative balance" in lines["Dan"].reason
        assert "no payout details" in lines["Cat"].reason.lower()
        # a rejected line holds nothing: Cat's balance stays payable for a later run
        assert not Conversion.objects.filter(creator=cat, payout_line__isnull=False).exists()
        assert run.minimums == {"USD": "50.00"}
        _balanced()

        payout_run_pay(run_id=run.pk, user=tenant_a.owner, reference="PP-2026-10")
        run.refresh_from_db()
        assert run.status == "paid" and run.paid_by == tenant_a.owner and run.paid_at
        assert run.batch is not None and run.batch.totals == {"USD": "60.00"}
        assert set(
            Conversion.objects.filter(status="paid").values_list("creator__name", flat=True)
        ) == {
            "Ann",
            "Dan",  # the conversion paid earlier
        }
        assert Conversion.objects.get(creator=ann, commission=60).payout_batch == run.batch
        rows = {(r.creator_id, r.month): r for r in _balanced()}
        assert rows[(ben.pk, date(2026, 9, 1))].carried == Decimal("20.00")
        dan_sep, dan_oct = rows[(dan.pk, date(2026, 9, 1))], rows[(dan.pk, date(2026, 10, 1))]
        assert (dan_sep.owed, dan_sep.paid, dan_sep.carried) == (
            Decimal("-10.00"),
            Decimal("30.00"),
            Decimal("-40.00"),
        )
        assert (dan_oct.owed, dan_oct.carried, dan_oct.payable) == (
            Decimal("25.00"),
            Decimal("25.00"),
            Decimal("0"),
        )
        ann_sep = rows[(ann.pk, date(2026, 9, 1))]
        assert (ann_sep.paid, ann_sep.payable, ann_sep.pending) == (
            Decimal("60.00"),
            Decimal("5.00"),
            Decimal("7.00"),
        )

    # the next run takes the carried balances again with what is new
    usd.earn(ben, "35.00", day=OCT)
    usd.earn(dan, "20.00", day=OCT)
    bank(cat)
    with tenant_scope(tenant_a.org):
        second = payout_run_create(organization=tenant_a.org, user=tenant_a.owner)
        assert _lines(second) == {
            "Ben": ("pay", "55.00"),
            "Cat": ("rejected", "70.00"),  # a EUR IBAN cannot take a USD transfer
            "Dan": ("carried", "5.00"),
        }
        assert "USD transfer needs a routing number" in second.lines.get(creator=cat).reason
        ben_first.refresh_from_db()
        assert ben_first.payout_line.run == second
        dan_clawback.refresh_from_db()
        assert dan_clawback.payout_line.run == second and dan_clawback.payout_batch is None
        _balanced()
        payout_run_pay(run_id=second.pk, user=tenant_a.owner)
        _balanced()
        assert Conversion.objects.get(pk=ben_first.pk).status == "paid"
        # Ben sees both payouts of his: the 55.00 with its two days
        (payout,) = creator_payouts(creator_id=ben.pk)[:1]
        assert payout.line.amount == Decimal("55.00")
        assert sorted(str(i.amount) for i in payout.items) == ["20.00", "35.00"]


@pytest.mark.parametrize(
    "amounts",
    [
        ["-5.00"],
        ["10.00", "-10.00"],
        ["0.01", "-0.02"],
        ["100.00", "-100.01"],
        ["3.00", "4.00", "-6.99"],
    ],
)
def test_a_payout_is_never_negative_or_zero(usd, tenant_a, amounts):
    eve = usd.creator("Eve")
    paypal(eve)
    paid = usd.earn(eve, "1.00", status="paid")
    for amount in amounts:
        if amount.startswith("-"):
            usd.clawback(paid, amount)
        else:
            usd.earn(eve, amount)
    with tenant_scope(tenant_a.org):
        run = payout_run_create(organization=tenant_a.org, user=None)
        (line,) = run.lines.all()
        total = sum(Decimal(a) for a in amounts)
        assert line.amount == total
        assert line.outcome == ("pay" if total > 0 else "carried")
        assert not PayoutLine.objects.filter(outcome="pay", amount__lte=0).exists()
        _balanced()


def test_jpy_has_no_decimals(tenant_a):
    jpy = Shop(tenant_a, "JPY")
    yui = jpy.creator("Yui")
    paypal(yui)
    jpy.earn(yui, "1235")
    jpy.earn(yui, "800")
    with tenant_scope(tenant_a.org):
        with pytest.raises(ValidationError, match="JPY has 0 decimals"):
            payout_minimum_set(currency="JPY", amount="1000.5", user=None)
        payout_minimum_set(currency="JPY", amount="3000", user=None)
        run = payout_run_create(organization=tenant_a.org, user=None)
        assert _lines(run) == {"Yui": ("carried", "2035.00")}
        assert "minimum payout of 3000.00 JPY" in run.lines.get().reason
        payout_run_cancel(run_id=run.pk, user=None)
        payout_minimum_set(currency="JPY", amount="", user=None)  # no minimum
        run = payout_run_create(organization=tenant_a.org, user=None)
        assert _lines(run) == {"Yui": ("pay", "2035.00")}


def test_one_open_run_and_cancel_releases_everything(usd, tenant_a):
    ann = usd.creator("Ann")
    paypal(ann)
    conversion = usd.earn(ann, "60.00")
    clawback = usd.clawback(usd.earn(ann, "10.00", status="paid"), "-1.00")
    with tenant_scope(tenant_a.org):
        run = payout_run_create(organization=tenant_a.org, user=None)
        with pytest.raises(ValidationError, match="already open"):
            payout_run_create(organization=tenant_a.org, user=None)
        payout_run_cancel(run_id=run.pk, user=tenant_a.owner)
        assert Conversion.objects.get(pk=conversion.pk).payout_line is None
        assert ConversionAdjustment.objects.get(pk=clawback.pk).payout_line is None
        with pytest.raises(ValidationError, match="already cancelled"):
            payout_run_pay(run_id=run.pk, user=None)
        again = payout_run_create(organization=tenant_a.org, user=None)
        assert _lines(again) == {"Ann": ("pay", "59.00")}
        Conversion.objects.filter(pk=conversion.pk).update(status="payable")
        PayoutRun.objects.filter(pk=again.pk).update(status="paid")
        with pytest.raises(ValidationError, match="Nothing is payable"):
            payout_run_create(organization=tenant_a.org, user=None)


def test_minimum_rules(usd, tenant_a):
    with tenant_scope(tenant_a.org):
        for bad, message in (("-1", "negative"), ("abc", "Enter an amount"), ("1.234", "round")):
            with pytest.raises(ValidationError, match=message):
                payout_minimum_set(currency="USD", amount=bad, user=None)
        payout_minimum_set(currency="USD", amount="25.5", user=None)
        payout_minimum_set(currency="USD", amount="30", user=None)
        from commissions.payouts import payout_minimums

        assert payout_minimums() == {"USD": Decimal("30.00")}


def test_key_rotation_reencrypts_payout_details_and_run_lines(usd, tenant_a, settings):
    import io

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from commissions.selectors.payouts import payout_run_view
    from creators.payout_details import payout_details_get

    ann = usd.creator("Ann")
    paypal(ann, "ann@paypal.test")
    usd.earn(ann, "60.00")
    with tenant_scope(tenant_a.org):
        run = payout_run_create(organization=tenant_a.org, user=None)
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "Re-encrypted 1 payout details." in out.getvalue()
    assert "Re-encrypted 1 payout run line(s)." in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # old key dropped
    with tenant_scope(tenant_a.org):
        assert payout_details_get(creator=ann).paypal_email == "ann@paypal.test"
        (line,) = payout_run_view(run).lines
        assert line.details.paypal_email == "ann@paypal.test"


@given(
    balances=st.lists(
        st.lists(st.integers(min_value=-5000, max_value=5000), min_size=1, max_size=4),
        min_size=1,
        max_size=4,
    ),
    minimum=st.sampled_from([0, 1, 2500, 10000]),
)
@hypothesis_settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_runs_never_pay_negative_or_below_minimum(usd, tenant_a, balances, minimum):
    """Random signed amounts (cents) per creator, paid over two runs: every line to pay is
    positive and at or above the minimum, the lines add up to what was payable, and the
    reconciliation balances after each step."""
    with transaction.atomic():
        creators = []
        for n, amounts in enumerate(balances):
            creator = usd.creator(f"C{n}")
            paypal(creator)
            paid = usd.earn(creator, "1.00", status="paid")
            for cents in amounts:
                amount = str(Decimal(cents) / 100)
                if cents < 0:
                    usd.clawback(paid, amount)
                elif cents:
                    usd.earn(creator, amount)
            creators.append(creator)
        with tenant_scope(tenant_a.org):
            payout_minimum_set(currency="USD", amount=str(minimum / 100), user=None)
            expected = sum((Decimal(c) for a in balances for c in a), Decimal(0)) / 100
            for _ in range(2):
                if not (runnable_conversions().exists() or runnable_adjustments().exists()):
                    break
                run = payout_run_create(organization=tenant_a.org, user=None)
                lines = list(run.lines.all())
                assert sum((line.amount for line in lines), Decimal(0)) == expected
                for line in lines:
                    if line.outcome == "pay":
                        assert line.amount > 0 and line.amount >= Decimal(minimum) / 100
                    else:
                        assert line.outcome == "carried"
                        assert line.amount <= 0 or line.amount < Decimal(minimum) / 100
                _balanced()
                if any(line.outcome == "pay" for line in lines):
                    payout_run_pay(run_id=run.pk, user=None)
                else:
                    payout_run_cancel(run_id=run.pk, user=None)
                expected = sum(
                    (line.amount for line in lines if line.outcome == "carried"), Decimal(0)
                )
                _balanced()
        transaction.set_rollback(True)
