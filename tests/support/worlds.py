"""Worlds built from the factories (tests/factories.py), one organisation at a time; the
fixtures in tests/conftest.py build them for the two tenants.

- `spring_campaign`: the campaign that the sandbox's tagged traffic of a store is for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from attribution.models import Store
from campaigns.models import Campaign
from tests.factories import CampaignCreatorFactory, CampaignFactory


def spring_campaign(store: Store) -> Campaign:
    """The store's "spring" campaign with creators jane (override 12.5 %) and omar (10 %); the
    sandbox traffic (tests/support/amazon.py LINKS) also has a "summer" campaign nobody
    created (unmatched)."""
    campaign = CampaignFactory(
        store=store,
        tracking_plan__name="Influencers",
        tracking_plan__publisher_id="101",
        tracking_plan__publisher_name="Instagram",
        tracking_plan__template_tag="maas=x&ref_=aa_maas&tag=maas",
        name="Spring",
        starts_on=date(2026, 10, 1),
        status="active",
        default_commission_rate=Decimal("10.00"),
        settlement_days=30,
        amazon_campaign_id="spring",
    )
    for name, adgroup, override in (("Jane", "jane", Decimal("12.50")), ("Omar", "omar", None)):
        CampaignCreatorFactory(
            campaign=campaign,
            creator__name=name,
            creator__email=f"{adgroup}@creators.test",
            status="active",
            amazon_adgroup_id=adgroup,
            commission_rate_override=override,
        )
    return campaign
