"""The "Change terms" page and the campaign's terms history through HTTP: a change applies
from the day the manager picks (default: the store's today); a past day moves money only when
the manager applies it to the conversions still pending, after seeing the amount."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from campaigns.models import CampaignCreatorTerms, CampaignTerms
from commissions.models import ConversionAdjustment
from tenancy.scoping import tenant_scope
from tests.support.terms import terms_world

D = date


@pytest.fixture
def world(tenant_a, tenant_b, monkeypatch):
    w = terms_world(tenant_a, monkeypatch)
    w.fact(D(2026, 10, 5))
    w.fact(D(2026, 10, 15))
    w.at(D(2026, 10, 20))
    w.settle()
    return w


def url(world, cc=None) -> str:
    base = f"/o/{world.tenant.org.slug}/campaigns/{world.campaign.pk}"
    return f"{base}/creators/{cc.pk}/terms/" if cc else f"{base}/terms/"


FORM = {
    "default_commission_rate": "12.00",
    "commission_basis": "promoted",
    "settlement_days": "30",
}


def test_the_page_offers_today_and_the_current_terms(world, tenant_a):
    response = tenant_a.client().get(url(world))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["terms_from"] == D(2026, 10, 20)
    assert form.initial["default_commission_rate"] == Decimal("10.00")
    assert "From the start: 10.00 % of promoted products only" in response.content.decode()


def test_a_change_from_today_saves_without_moving_money(world, tenant_a):
    response = tenant_a.client().post(url(world), {**FORM, "terms_from": "2026-10-20"})
    assert response.status_code == 302
    with tenant_scope(tenant_a.org):
        row = CampaignTerms.objects.filter(campaign=world.campaign).last()
        assert not ConversionAdjustment.objects.exists()
    assert (row.effective_from, row.default_commission_rate, row.changed_by) == (
        D(2026, 10, 20),
        Decimal("12.00"),
        tenant_a.manager,
    )
    page = tenant_a.client().get(f"/o/{tenant_a.org.slug}/campaigns/{world.campaign.pk}/")
    history = page.content.decode().split('id="terms-history"')[1].split("</table>")[0]
    cells = [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", history)]
    assert cells[:2] == ["20 Oct 2026", "12.00 %"]
    assert 'title="unchanged"' in cells[2] and 'title="unchanged"' in cells[3]
    assert "the start" in cells[5]


def test_a_past_day_needs_the_explicit_choice(world, tenant_a):
    response = tenant_a.client().post(url(world), {**FORM, "terms_from": "2026-10-10"})
    assert response.status_code == 400
    assert "Past days keep the terms they were earned under" in response.content.decode()
    with tenant_scope(tenant_a.org):
        assert CampaignTerms.objects.filter(campaign=world.campaign).count() == 1


def test_preview_then_confirm_moves_the_amount_shown(world, tenant_a):
    client = tenant_a.client()
    data = {**FORM, "terms_from": "2026-10-10", "apply_to_pending": "on"}
    preview = client.post(url(world), data)
    assert preview.status_code == 200
    html = preview.content.decode()
    move = re.sub(r"\s+", " ", html.split('id="terms-move"')[1].split("</div>")[0])
    assert "moves <strong>+$2.00</strong> on 1 conversion." in move
    assert 'name="expected" value="USD:2.00"' in html
    with tenant_scope(tenant_a.org):
        assert CampaignTerms.objects.filter(campaign=world.campaign).count() == 1
        assert not ConversionAdjustment.objects.exists()
    # a stale confirmation (the move differs) is refused and nothing changes
    stale = client.post(url(world), {**data, "confirm": "1", "expected": "USD:5.00"})
    assert stale.status_code == 400
    assert "review it again" in stale.content.decode()
    done = client.post(url(world), {**data, "confirm": "1", "expected": "USD:2.00"})
    assert done.status_code == 302
    c = world.conversions()
    assert (c[D(2026, 10, 5)].commission, c[D(2026, 10, 15)].commission) == (
        Decimal("10.00"),
        Decimal("12.00"),
    )
    page = client.get(f"/o/{tenant_a.org.slug}/campaigns/{world.campaign.pk}/").content.decode()
    assert '10 Oct 2026 <span class="badge warn">applied to pending</span>' in page


def test_a_creators_override_from_a_past_day(world, tenant_a):
    cc = world.ccs[0]
    client = tenant_a.client()
    data = {"commission_rate_override": "15.00", "terms_from": "2026-10-15"}
    assert client.post(url(world, cc), data).status_code == 400
    preview = client.post(url(world, cc), {**data, "apply_to_pending": "on"})
    assert "+$5.00" in preview.content.decode()
    done = client.post(
        url(world, cc), {**data, "apply_to_pending": "on", "confirm": "1", "expected": "USD:5.00"}
    )
    assert done.status_code == 302
    assert world.conversions()[D(2026, 10, 15)].commission == Decimal("15.00")
    with tenant_scope(tenant_a.org):
        rows = list(
            CampaignCreatorTerms.objects.filter(campaign_creator=cc).values_list(
                "effective_from", "commission_rate_override", "applied_to_pending"
            )
        )
    assert rows == [(None, None, False), (D(2026, 10, 15), Decimal("15.00"), True)]


def test_the_override_form_on_the_campaign_page_asks_from_when(world, tenant_a):
    cc = world.ccs[0]
    base = f"/o/{tenant_a.org.slug}/campaigns/{world.campaign.pk}/creators/{cc.pk}/"
    client = tenant_a.client()
    page = client.get(f"/o/{tenant_a.org.slug}/campaigns/{world.campaign.pk}/").content.decode()
    assert f'id="from-{cc.pk}" name="terms_from" type="date" value="2026-10-20"' in page
    r = client.post(base, {"status": "active", "commission_rate_override": "9", "terms_from": ""})
    assert r.status_code == 302
    r = client.post(
        base, {"status": "active", "commission_rate_override": "8", "terms_from": "2026-10-01"}
    )
    assert r.status_code == 302  # refused with a message; nothing changed
    with tenant_scope(tenant_a.org):
        rows = list(
            CampaignCreatorTerms.objects.filter(campaign_creator=cc).values_list(
                "effective_from", "commission_rate_override"
            )
        )
    assert rows == [(None, None), (D(2026, 10, 20), Decimal("9.00"))]
    assert world.conversions()[D(2026, 10, 15)].commission == Decimal("10.00")


def test_the_edit_form_asks_from_when_and_refuses_past_days(world, tenant_a):
    edit = f"/o/{tenant_a.org.slug}/campaigns/{world.campaign.pk}/edit/"
    client = tenant_a.client()
    form = client.get(edit).context["form"]
    assert form.initial["terms_from"] == D(2026, 10, 20)
    data = {
        "name": world.campaign.name,
        "starts_on": "2026-10-01",
        "status": "active",
        "track_sales": "on",
        "tracking_plan": world.campaign.tracking_plan_id,
        "default_commission_rate": "11.00",
        "commission_basis": "promoted",
        "settlement_days": "30",
        "store_page": "",
        "terms_from": "2026-10-01",
    }
    r = client.post(edit, data)
    assert r.status_code == 400
    assert "Past days keep the terms" in r.content.decode()
    assert client.post(edit, {**data, "terms_from": "2026-10-25"}).status_code == 302
    with tenant_scope(tenant_a.org):
        row = CampaignTerms.objects.filter(campaign=world.campaign).last()
    assert (row.effective_from, row.default_commission_rate) == (D(2026, 10, 25), Decimal("11"))
    assert world.conversions()[D(2026, 10, 15)].commission == Decimal("10.00")


def test_other_tenants_and_viewers_cannot_change_terms(world, tenant_a, tenant_b):
    assert tenant_b.client().get(url(world)).status_code == 404
    assert tenant_b.client().post(url(world), {**FORM, "terms_from": "2026-10-20"}).status_code == (
        404
    )
