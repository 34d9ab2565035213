"""When a conversion earns commission (commissions.eligibility), rule by rule: the pure rule,
then through the settle on a campaign run by its services (its status history)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from campaigns.models import Campaign, CampaignStatusChange
from campaigns.services import campaign_update
from campaigns.services.campaign_creators import campaign_creator_update
from commissions.eligibility import ATTRIBUTION_WINDOW_DAYS, Ineligible, ineligible_reason
from commissions.models import Conversion
from tenancy.scoping import tenant_scope
from tests.support.terms import SALES, TOTAL_SALES, terms_world

D = date


def reason(day, **overrides):
    args = {
        "starts_on": D(2026, 10, 1),
        "ends_on": D(2026, 10, 31),
        "status": "active",
        "status_since": None,
        "joined_on": None,
        "removed_on": None,
        **overrides,
    }
    return ineligible_reason(day=day, **args)


def test_the_rule_day_by_day():
    assert reason(D(2026, 10, 1)) == ""
    assert reason(D(2026, 9, 30)) == Ineligible.BEFORE_START
    # Amazon attributes sales up to 14 days after the last click of the campaign
    assert ATTRIBUTION_WINDOW_DAYS == 14
    assert reason(D(2026, 11, 14)) == ""
    assert reason(D(2026, 11, 15)) == Ineligible.AFTER_END
    assert reason(D(2027, 5, 1), ends_on=None) == ""
    assert reason(D(2026, 10, 5), status="draft") == Ineligible.DRAFT
    assert reason(D(2026, 10, 5), status="paused") == Ineligible.PAUSED
    # ended: the attribution window after the day it was ended
    assert reason(D(2026, 10, 23), status="ended", status_since=D(2026, 10, 10)) == ""
    assert reason(D(2026, 10, 24), status="ended", status_since=D(2026, 10, 10)) == "ended"
    # the creator's days on the campaign: from joining, until the day they were removed
    assert reason(D(2026, 10, 4), joined_on=D(2026, 10, 5)) == Ineligible.NOT_JOINED
    assert reason(D(2026, 10, 5), joined_on=D(2026, 10, 5)) == ""
    assert reason(D(2026, 10, 11), removed_on=D(2026, 10, 12)) == ""
    assert reason(D(2026, 10, 12), removed_on=D(2026, 10, 12)) == Ineligible.REMOVED


def test_the_demo_draft_campaign_owes_nothing_before_its_start(tenant_a, tenant_b, monkeypatch):
    """The reported bug: the draft "Holiday Gift Guide", starting 15 Nov, owed money on
    conversions dated 14 Oct - 14 Nov. Amazon's figures stay, the commission is 0, with why."""
    world = terms_world(
        tenant_a,
        monkeypatch,
        name="Holiday Gift Guide",
        starts_on=D(2026, 11, 15),
        ends_on=D(2026, 12, 31),
        status=Campaign.Status.DRAFT,
        basis=Campaign.CommissionBasis.TOTAL,
        settlement_days=45,
        created=D(2026, 10, 1),
    )
    days = [D(2026, 10, 14), D(2026, 10, 30), D(2026, 11, 14), D(2026, 11, 16)]
    for day in days:
        world.fact(day)
    world.at(D(2026, 11, 20))
    world.settle()
    conversions = world.conversions()
    assert sorted(conversions) == days
    for c in conversions.values():
        assert (c.sales, c.purchases, c.commission, c.owed) == (TOTAL_SALES, 3, 0, 0)
        assert c.commission_rate == Decimal("10.00")
    assert [conversions[d].ineligible_reason for d in days] == [
        "before_start",
        "before_start",
        "before_start",
        "draft",
    ]
    assert conversions[days[-1]].ineligible_text == "The campaign was a draft on this day"
    assert world.owed() == 0
    # the other tenant's active campaign on the same days earns as before
    other = terms_world(tenant_b, monkeypatch, created=D(2026, 10, 1))
    other.fact(D(2026, 10, 14))
    other.at(D(2026, 11, 20))
    other.settle()
    assert other.owed() == Decimal("10.00")


def test_paused_days_earn_nothing_and_active_days_do(tenant_a, tenant_b, monkeypatch):
    world = terms_world(tenant_a, monkeypatch)
    for day in (D(2026, 10, 5), D(2026, 10, 8), D(2026, 10, 11), D(2026, 10, 12)):
        world.fact(day)
    with tenant_scope(tenant_a.org):
        world.at(D(2026, 10, 8))
        campaign_update(campaign=world.campaign, status=Campaign.Status.PAUSED)
        world.at(D(2026, 10, 12))
        campaign_update(campaign=world.campaign, status=Campaign.Status.ACTIVE)
        history = list(
            CampaignStatusChange.objects.filter(campaign=world.campaign).values_list(
                "status", "effective_from"
            )
        )
    assert history == [
        ("active", None),
        ("paused", D(2026, 10, 8)),
        ("active", D(2026, 10, 12)),
    ]
    world.at(D(2026, 10, 20))
    world.settle()
    c = world.conversions()
    assert {day: (x.commission, x.ineligible_reason) for day, x in c.items()} == {
        D(2026, 10, 5): (Decimal("10.00"), ""),
        D(2026, 10, 8): (Decimal("0.00"), "paused"),
        D(2026, 10, 11): (Decimal("0.00"), "paused"),
        D(2026, 10, 12): (Decimal("10.00"), ""),
    }
    assert c[D(2026, 10, 8)].sales == SALES  # Amazon's numbers as reported


def test_days_after_the_end_plus_the_attribution_window_earn_nothing(
    tenant_a, tenant_b, monkeypatch
):
    world = terms_world(tenant_a, monkeypatch, ends_on=D(2026, 10, 10))
    world.fact(D(2026, 10, 24))
    world.fact(D(2026, 10, 25))
    world.at(D(2026, 10, 30))
    world.settle()
    c = world.conversions()
    assert (c[D(2026, 10, 24)].commission, c[D(2026, 10, 24)].ineligible_reason) == (
        Decimal("10.00"),
        "",
    )
    assert (c[D(2026, 10, 25)].commission, c[D(2026, 10, 25)].ineligible_reason) == (
        Decimal("0.00"),
        "after_end",
    )


def test_a_creator_earns_only_while_on_the_campaign(tenant_a, tenant_b, monkeypatch):
    world = terms_world(tenant_a, monkeypatch, joined_on=D(2026, 10, 7))
    assert world.ccs[0].joined_on == D(2026, 10, 7)
    for day in (D(2026, 10, 6), D(2026, 10, 7), D(2026, 10, 11), D(2026, 10, 12)):
        world.fact(day)
    world.at(D(2026, 10, 12))
    with tenant_scope(tenant_a.org):
        campaign_creator_update(
            campaign_creator=world.ccs[0], status="removed", commission_rate_override=None
        )
    world.refresh()
    assert world.ccs[0].removed_on == D(2026, 10, 12)
    world.at(D(2026, 10, 20))
    world.settle()
    c = world.conversions()
    assert {day: (x.commission, x.ineligible_reason) for day, x in c.items()} == {
        D(2026, 10, 6): (Decimal("0.00"), "not_joined"),
        D(2026, 10, 7): (Decimal("10.00"), ""),
        D(2026, 10, 11): (Decimal("10.00"), ""),
        D(2026, 10, 12): (Decimal("0.00"), "removed"),
    }


def test_a_pause_after_approval_claws_back_only_by_an_adjustment(tenant_a, tenant_b, monkeypatch):
    """Eligibility applies to decided conversions too, but their approved amount never changes:
    a start date moved later turns what they owed into a recorded clawback."""
    world = terms_world(tenant_a, monkeypatch, settlement_days=0)
    world.fact(D(2026, 10, 5))
    world.at(D(2026, 10, 10))
    world.settle()
    with tenant_scope(tenant_a.org):
        Conversion.objects.filter(campaign=world.campaign).update(status="approved")
        campaign_update(campaign=world.campaign, starts_on=D(2026, 10, 6))
    world.settle()
    (c,) = world.conversions().values()
    assert (c.status, c.commission, c.owed, c.ineligible_reason) == (
        "approved",
        Decimal("10.00"),
        Decimal("0.00"),
        "before_start",
    )
    with tenant_scope(tenant_a.org):
        (adj,) = c.adjustments.all()
    assert (adj.kind, adj.included, adj.commission) == ("terms", False, Decimal("-10.00"))


@pytest.mark.parametrize("status", ["draft", "paused"])
def test_the_campaign_page_says_paused_and_draft_days_earn_nothing(
    tenant_a, tenant_b, monkeypatch, status
):
    world = terms_world(tenant_a, monkeypatch)
    world.at(D(2026, 10, 8))
    with tenant_scope(tenant_a.org):
        campaign_update(campaign=world.campaign, status=status)
    world.at(D(2026, 10, 12))
    html = tenant_a.client().get(f"/o/{tenant_a.org.slug}/campaigns/{world.campaign.pk}/")
    text = html.content.decode()
    assert html.status_code == 200
    label = "Paused" if status == "paused" else "Draft"
    assert f"{label} from 8 Oct 2026 (still): conversions of these days earn no commission." in (
        text
    )
    assert "earn no commission" in text.split('class="msg msg-warning"')[1].split("</div>")[0]
    assert timedelta(days=ATTRIBUTION_WINDOW_DAYS).days == 14


def test_the_conversions_page_shows_amazons_figures_and_why_nothing_is_owed(
    tenant_a, tenant_b, monkeypatch
):
    world = terms_world(tenant_a, monkeypatch, status=Campaign.Status.DRAFT)
    world.fact(D(2026, 10, 5))
    world.at(D(2026, 10, 20))
    world.settle()
    page = tenant_a.client().get(f"/o/{tenant_a.org.slug}/conversions/?status=pending")
    page = page.content.decode()
    row = page.split("Oct 2026")[1].split("</tr>")[0]
    assert "$100.00" in row  # Amazon's sales as reported
    assert "<strong>$0.00</strong>" in row
    assert "No commission: the campaign was a draft on this day" in row
