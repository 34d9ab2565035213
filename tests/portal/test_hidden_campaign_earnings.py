"""A creator sees earnings only of campaigns shown to them (the reported bug: the creators of
the draft "Holiday Gift Guide" saw its earnings in the portal for a campaign they could not
see). Campaigns they were removed from stay: what they earned there is theirs."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from campaigns.models import Campaign
from tenancy.scoping import tenant_scope
from tests.factories import CampaignCreatorFactory, CampaignFactory, ConversionFactory


@pytest.fixture
def hidden(portal):
    """Jane (alpha) is also on alpha's draft "Holiday Gift Guide", with a conversion dated
    before its start that (on the old code) owed her 44.27."""
    jane = portal.profiles["jane@alpha"]
    brand = portal.brands["alpha"]
    with tenant_scope(jane.org):
        draft = CampaignFactory(
            store=brand.store,
            tracking_plan=brand.campaign.tracking_plan,
            name="Holiday Gift Guide",
            starts_on=date(2026, 11, 15),
            status=Campaign.Status.DRAFT,
        )
        cc = CampaignCreatorFactory(campaign=draft, creator=jane.creator, status="active")
        conversion = ConversionFactory(
            campaign_creator=cc,
            date=date(2026, 10, 14),
            sales=Decimal("442.70"),
            commission=Decimal("44.27"),
        )
    return draft, conversion


def test_earnings_of_a_draft_campaign_are_not_shown(portal, hidden):
    _draft, conversion = hidden
    client = portal.client("jane")
    page = client.get("/portal/b/alpha/earnings/")
    (usd,) = page.context["summary"].currencies
    assert usd.total == Decimal("515.75")  # as before the draft campaign's conversion
    assert "Holiday Gift Guide" not in page.content.decode()
    october = client.get("/portal/b/alpha/earnings/?month=2026-10")
    assert conversion.pk not in [line.conversion.pk for line in october.context["lines"]]
    assert "Holiday Gift Guide" not in october.content.decode()
    text = b"".join(client.get("/portal/b/alpha/earnings.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows and all(r["campaign"] != "Holiday Gift Guide" for r in rows)
    home = client.get("/portal/")
    cards = {brand.organization.slug: summary for brand, summary in home.context["cards"]}
    assert cards["alpha"].currencies[0].total == Decimal("515.75")


def test_once_the_campaign_is_shown_its_earnings_are_too(portal, hidden):
    draft, _conversion = hidden
    with tenant_scope(draft.organization_id):
        Campaign.objects.filter(pk=draft.pk).update(status=Campaign.Status.ACTIVE)
    page = portal.client("jane").get("/portal/b/alpha/earnings/")
    (usd,) = page.context["summary"].currencies
    assert usd.total == Decimal("515.75") + Decimal("44.27")
