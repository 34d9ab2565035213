"""A campaign run through its services (so its status and terms have a history), with Amazon's
ad-group rows, for the terms and eligibility tests (commissions.eligibility). The store's days
are read from core.clock; `TermsWorld.at(day)` stands the clock at noon of that store day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from attribution.models import Store
from campaigns.models import Campaign, CampaignCreator
from campaigns.services import campaign_create
from campaigns.services.campaign_creators import campaign_creators_add
from commissions.models import Conversion
from commissions.services import conversions_settle
from core import clock
from creators.services import creator_create
from tenancy.scoping import tenant_scope
from tests.factories import DailyMetricFactory, StoreFactory, TrackingPlanFactory

SALES = Decimal("100.00")  # promoted sales of every fact day
TOTAL_SALES = Decimal("150.00")  # the brand total (halo) of every fact day


@dataclass
class TermsWorld:
    tenant: Any
    store: Store
    campaign: Campaign
    ccs: list[CampaignCreator]
    monkeypatch: Any
    facts: list[date] = field(default_factory=list)

    def at(self, day: date) -> None:
        """The store's today is `day` (Los Angeles: 20:00 UTC is noon there)."""
        instant = datetime(day.year, day.month, day.day, 20, 0, tzinfo=UTC)
        self.monkeypatch.setattr(clock, "now", lambda: instant)

    def fact(self, day: date, cc: CampaignCreator | None = None, sales: Decimal = SALES) -> None:
        """Amazon's ad-group row of `day` for the creator (the first by default)."""
        cc = cc or self.ccs[0]
        with tenant_scope(self.tenant.org):
            DailyMetricFactory(
                store=self.store,
                date=day,
                level="adgroup",
                amazon_campaign_id=self.campaign.amazon_campaign_id,
                amazon_adgroup_id=cc.amazon_adgroup_id,
                clicks=30,
                purchases=2,
                units_sold=2,
                sales=sales,
                total_purchases=3,
                total_units_sold=3,
                total_sales=sales * TOTAL_SALES / SALES,
            )
        self.facts.append(day)

    def settle(self) -> None:
        with tenant_scope(self.tenant.org):
            store = Store.objects.get(pk=self.store.pk)
            conversions_settle(store=store)

    def conversions(self) -> dict[date, Conversion]:
        with tenant_scope(self.tenant.org):
            return {
                c.date: c for c in Conversion.objects.filter(campaign=self.campaign).with_owed()
            }

    def owed(self) -> Decimal:
        with tenant_scope(self.tenant.org):
            total = (
                Conversion.objects.filter(campaign=self.campaign)
                .owing()
                .with_owed()
                .aggregate(s=Sum("owed"))["s"]
            )
        return total or Decimal("0")

    def refresh(self) -> None:
        with tenant_scope(self.tenant.org):
            self.campaign = Campaign.objects.select_related("store").get(pk=self.campaign.pk)
            self.ccs = [
                CampaignCreator.objects.select_related("campaign__store", "creator").get(pk=cc.pk)
                for cc in self.ccs
            ]


def terms_world(
    tenant,
    monkeypatch,
    *,
    name: str = "Autumn Edit",
    starts_on: date = date(2026, 10, 1),
    ends_on: date | None = None,
    status: str = Campaign.Status.ACTIVE,
    rate: Decimal = Decimal("10.00"),
    basis: str = Campaign.CommissionBasis.PROMOTED,
    settlement_days: int = 30,
    created: date = date(2026, 10, 1),
    joined_on: date | None = None,
    creators: int = 1,
) -> TermsWorld:
    """A US store (Los Angeles days) and one campaign created on `created` through
    campaign_create, with `creators` creators added the same day (joined `joined_on`,
    default: that day)."""
    world = TermsWorld(tenant, None, None, [], monkeypatch)  # type: ignore[arg-type]
    world.at(created)
    with tenant_scope(tenant.org):
        store = StoreFactory(
            organization=tenant.org,
            connection__status="active",
            profile_id=5100 + tenant.org.pk,
            advertiser_id=f"adv-{tenant.org.pk}",
            account_name=f"{tenant.org.name} US",
        )
        plan = TrackingPlanFactory(store=store, name="Creators")
        campaign = campaign_create(
            store=store,
            tracking_plan=plan,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
            default_commission_rate=rate,
            commission_basis=basis,
            settlement_days=settlement_days,
        )
        people = [
            creator_create(
                name=f"Creator {n} {tenant.org.slug}",
                email=f"c{n}@{tenant.org.slug}.creators.test",
                handle=f"@c{n}{tenant.org.slug}",
                channels=["instagram"],
            )
            for n in range(creators)
        ]
        ccs = campaign_creators_add(
            campaign=campaign,
            creators=people,
            status=CampaignCreator.Status.ACTIVE,
            joined_on=joined_on,
        )
    world.store, world.campaign, world.ccs = store, campaign, ccs
    world.refresh()
    return world
