"""Rates change from a date, never backwards by accident: each day earns under the terms in
force on its date; a change applies to past days only when the manager applies it to the
conversions still pending, after seeing what it moves (commissions.services)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import CampaignCreatorTerms, CampaignTerms
from campaigns.services import campaign_update
from campaigns.services.campaign_creators import campaign_creator_update
from commissions.models import Conversion, ConversionAdjustment
from commissions.services import campaign_creator_terms_change, campaign_terms_change
from tenancy.scoping import tenant_scope
from tests.support.terms import terms_world

D = date


@pytest.fixture
def world(tenant_a, tenant_b, monkeypatch):
    """Oct 5 and Oct 15 earned at 10 % and are pending on Oct 20 (30 settlement days)."""
    w = terms_world(tenant_a, monkeypatch)
    w.fact(D(2026, 10, 5))
    w.fact(D(2026, 10, 15))
    w.at(D(2026, 10, 20))
    w.settle()
    return w


def commissions(world) -> dict[date, Decimal]:
    return {day: c.commission for day, c in world.conversions().items()}


def test_a_new_rate_applies_from_today_and_past_days_keep_theirs(world, tenant_a):
    """The reported risk: the settle re-rated every undecided conversion at today's rate."""
    with tenant_scope(tenant_a.org):
        campaign_update(campaign=world.campaign, default_commission_rate=Decimal("12.00"))
    world.fact(D(2026, 10, 21))
    world.at(D(2026, 10, 22))
    world.settle()
    assert commissions(world) == {
        D(2026, 10, 5): Decimal("10.00"),
        D(2026, 10, 15): Decimal("10.00"),
        D(2026, 10, 21): Decimal("12.00"),
    }
    with tenant_scope(tenant_a.org):
        rows = list(
            CampaignTerms.objects.filter(campaign=world.campaign).values_list(
                "effective_from", "default_commission_rate"
            )
        )
        assert not ConversionAdjustment.objects.exists()
    assert rows == [(None, Decimal("10.00")), (D(2026, 10, 20), Decimal("12.00"))]


def test_a_rate_from_a_later_day_leaves_the_days_before_it(world, tenant_a):
    with tenant_scope(tenant_a.org):
        campaign_update(
            campaign=world.campaign,
            default_commission_rate=Decimal("15.00"),
            terms_from=D(2026, 10, 25),
        )
    world.fact(D(2026, 10, 24))
    world.fact(D(2026, 10, 25))
    world.at(D(2026, 10, 26))
    world.settle()
    c = commissions(world)
    assert (c[D(2026, 10, 24)], c[D(2026, 10, 25)]) == (Decimal("10.00"), Decimal("15.00"))


def test_a_past_day_is_refused_without_the_managers_choice(world, tenant_a):
    with tenant_scope(tenant_a.org), pytest.raises(ValidationError) as exc:
        campaign_update(
            campaign=world.campaign,
            default_commission_rate=Decimal("12.00"),
            terms_from=D(2026, 10, 1),
        )
    assert "Past days keep the terms" in exc.value.message_dict["terms_from"][0]
    with tenant_scope(tenant_a.org), pytest.raises(ValidationError):
        campaign_terms_change(
            campaign=world.campaign,
            effective_from=D(2026, 10, 1),
            default_commission_rate=Decimal("12.00"),
            commission_basis="promoted",
            settlement_days=30,
            user=tenant_a.manager,
        )
    assert commissions(world) == {D(2026, 10, 5): Decimal("10.00"), D(2026, 10, 15): 10}
    with tenant_scope(tenant_a.org):
        assert CampaignTerms.objects.filter(campaign=world.campaign).count() == 1


def test_applying_to_pending_previews_then_moves_exactly_that(world, tenant_a):
    """From Oct 10: the pending Oct 15 moves (+2.00), the Oct 5 day before it does not, and an
    approved day in range keeps its amount."""
    world.fact(D(2026, 10, 12))
    world.settle()
    with tenant_scope(tenant_a.org):
        Conversion.objects.filter(campaign=world.campaign, date=D(2026, 10, 12)).update(
            status="approved"
        )
    args = {
        "campaign": world.campaign,
        "effective_from": D(2026, 10, 10),
        "default_commission_rate": Decimal("12.00"),
        "commission_basis": "promoted",
        "settlement_days": 30,
        "user": tenant_a.manager,
        "apply_to_pending": True,
    }
    with tenant_scope(tenant_a.org):
        preview = campaign_terms_change(**args, preview=True)
        assert CampaignTerms.objects.filter(campaign=world.campaign).count() == 1  # rolled back
    assert (preview.conversions, preview.amounts) == (1, {"USD": Decimal("2.00")})
    assert preview.token() == "USD:2.00"
    assert commissions(world)[D(2026, 10, 15)] == Decimal("10.00")
    with tenant_scope(tenant_a.org):
        done = campaign_terms_change(**args, expected=preview.token())
    assert done == preview
    assert commissions(world) == {
        D(2026, 10, 5): Decimal("10.00"),
        D(2026, 10, 12): Decimal("10.00"),  # approved: keeps its terms
        D(2026, 10, 15): Decimal("12.00"),
    }
    with tenant_scope(tenant_a.org):
        (adj,) = ConversionAdjustment.objects.select_related("conversion")
        latest = CampaignTerms.objects.filter(campaign=world.campaign).last()
    assert (adj.kind, adj.included, adj.commission, adj.conversion.date) == (
        "terms",
        True,
        Decimal("2.00"),
        D(2026, 10, 15),
    )
    assert (latest.effective_from, latest.applied_to_pending, latest.changed_by) == (
        D(2026, 10, 10),
        True,
        tenant_a.manager,
    )


def test_a_confirmation_is_refused_when_the_move_changed_meanwhile(world, tenant_a):
    with tenant_scope(tenant_a.org), pytest.raises(ValidationError) as exc:
        campaign_terms_change(
            campaign=world.campaign,
            effective_from=D(2026, 10, 1),
            default_commission_rate=Decimal("12.00"),
            commission_basis="promoted",
            settlement_days=30,
            user=tenant_a.manager,
            apply_to_pending=True,
            expected="USD:2.00",  # what it moved before a second day appeared
        )
    assert "review it again" in exc.value.messages[0]
    assert commissions(world) == {D(2026, 10, 5): Decimal("10.00"), D(2026, 10, 15): 10}
    with tenant_scope(tenant_a.org):
        assert not ConversionAdjustment.objects.exists()
        assert CampaignTerms.objects.filter(campaign=world.campaign).count() == 1


def test_basis_and_settlement_days_follow_the_date_too(world, tenant_a):
    with tenant_scope(tenant_a.org):
        campaign_update(campaign=world.campaign, commission_basis="total", settlement_days=10)
    world.fact(D(2026, 10, 21))
    world.at(D(2026, 10, 22))
    world.settle()
    c = world.conversions()
    assert (c[D(2026, 10, 15)].sales, c[D(2026, 10, 15)].settles_on) == (
        Decimal("100.00"),
        D(2026, 10, 15) + timedelta(days=30),
    )
    assert (c[D(2026, 10, 21)].sales, c[D(2026, 10, 21)].commission) == (
        Decimal("150.00"),
        Decimal("15.00"),
    )
    assert c[D(2026, 10, 21)].settles_on == D(2026, 10, 31)


def test_a_creators_override_changes_from_a_date(world, tenant_a):
    cc = world.ccs[0]
    with tenant_scope(tenant_a.org):
        campaign_creator_update(
            campaign_creator=cc, status="active", commission_rate_override=Decimal("20.00")
        )
    world.fact(D(2026, 10, 20))
    world.settle()
    assert commissions(world) == {
        D(2026, 10, 5): Decimal("10.00"),
        D(2026, 10, 15): Decimal("10.00"),
        D(2026, 10, 20): Decimal("20.00"),
    }
    with tenant_scope(tenant_a.org):
        move = campaign_creator_terms_change(
            campaign_creator=cc,
            effective_from=D(2026, 10, 15),
            commission_rate_override=Decimal("20.00"),
            user=tenant_a.manager,
            apply_to_pending=True,
            preview=True,
        )
        assert move.amounts == {"USD": Decimal("10.00")}
        rows = list(
            CampaignCreatorTerms.objects.filter(campaign_creator=cc).values_list(
                "effective_from", "commission_rate_override"
            )
        )
    assert rows == [(None, None), (D(2026, 10, 20), Decimal("20.00"))]


def test_a_change_holds_until_the_next_change_of_the_same_term(world, tenant_a):
    """A rate scheduled from Oct 25, then the basis changed from today (Oct 20): Oct 21 earns
    the old rate on the new basis, Oct 25 the new rate on the new basis. Neither change reaches
    past its own day."""
    with tenant_scope(tenant_a.org):
        campaign_update(
            campaign=world.campaign,
            default_commission_rate=Decimal("20.00"),
            terms_from=D(2026, 10, 25),
        )
        world.refresh()
        campaign_update(campaign=world.campaign, commission_basis="total")
        rows = list(
            CampaignTerms.objects.filter(campaign=world.campaign).values_list(
                "effective_from", "default_commission_rate", "commission_basis"
            )
        )
    assert rows == [
        (None, Decimal("10.00"), "promoted"),
        (D(2026, 10, 20), None, "total"),
        (D(2026, 10, 25), Decimal("20.00"), None),
    ]
    world.fact(D(2026, 10, 21))
    world.fact(D(2026, 10, 25))
    world.at(D(2026, 10, 26))
    world.settle()
    c = world.conversions()
    assert (c[D(2026, 10, 21)].commission, c[D(2026, 10, 25)].commission) == (
        Decimal("15.00"),  # 10 % of the brand total 150.00
        Decimal("30.00"),  # 20 % of 150.00
    )
    assert c[D(2026, 10, 15)].commission == Decimal("10.00")
