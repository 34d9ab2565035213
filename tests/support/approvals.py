"""An approval queue for one tenant (tests of commissions.approvals, the conversions page, the
API and the browser): a USD store with campaign "Spring" (creators Jane and Omar) and a JPY
store with campaign "Tokyo" (creator Kenji), conversions awaiting approval in October and
November 2026, and a few in other states."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from attribution.models import Store
from campaigns.models import Campaign, CampaignCreator
from commissions.models import Conversion
from tenancy.scoping import tenant_scope
from tests.factories import (
    AmazonConnectionFactory,
    CampaignCreatorFactory,
    CampaignFactory,
    ConversionFactory,
    StoreFactory,
)


@dataclass
class Queue:
    usd: Store
    jpy: Store
    spring: Campaign
    tokyo: Campaign
    jane: CampaignCreator
    omar: CampaignCreator
    kenji: CampaignCreator
    awaiting: list[Conversion] = field(default_factory=list)
    others: list[Conversion] = field(default_factory=list)


def conversion(cc: CampaignCreator, day: date, commission: str, status: str) -> Conversion:
    currency = cc.campaign.store.currency_code
    return ConversionFactory(
        campaign_creator=cc,
        date=day,
        currency=currency,
        purchases=1,
        units_sold=1,
        sales=Decimal(commission) * 10,
        commission_rate=Decimal("10.00"),
        commission=Decimal(commission),
        settles_on=day + timedelta(days=30),
        status=status,
    )


def approval_queue(tenant, *, jane_october: int = 4) -> Queue:
    """Awaiting: Jane `jane_october` x 2.00 USD in October and 1 x 3.00 in November, Omar 1 x
    5.00 USD in October, Kenji 2 x 150 JPY in October. Others: Jane pending (Nov) and approved
    (Oct), Omar denied (Oct)."""
    with tenant_scope(tenant.org):
        conn = AmazonConnectionFactory(region="NA", status="active")
        usd = StoreFactory(connection=conn, advertiser_name=f"{tenant.org.name} US")
        jpy = StoreFactory(
            connection=conn,
            country_code="JP",
            currency_code="JPY",
            timezone="Asia/Tokyo",
            advertiser_name=f"{tenant.org.name} JP",
        )
        spring = CampaignFactory(store=usd, name="Spring", status="active")
        tokyo = CampaignFactory(store=jpy, name="Tokyo", status="active")
        jane = CampaignCreatorFactory(campaign=spring, creator__name="Jane")
        omar = CampaignCreatorFactory(campaign=spring, creator__name="Omar")
        kenji = CampaignCreatorFactory(campaign=tokyo, creator__name="Kenji")
        q = Queue(usd, jpy, spring, tokyo, jane, omar, kenji)
        october = date(2026, 10, 1)
        for n in range(jane_october):
            q.awaiting.append(conversion(jane, october + timedelta(days=n), "2.00", "awaiting"))
        q.awaiting.append(conversion(jane, date(2026, 11, 3), "3.00", "awaiting"))
        q.awaiting.append(conversion(omar, date(2026, 10, 5), "5.00", "awaiting"))
        for n in range(2):
            q.awaiting.append(conversion(kenji, october + timedelta(days=n), "150", "awaiting"))
        q.others.append(conversion(jane, date(2026, 11, 20), "7.00", "pending"))
        q.others.append(conversion(jane, date(2026, 10, 28), "9.00", "approved"))
        q.others.append(conversion(omar, date(2026, 10, 29), "4.00", "denied"))
    return q


def more_awaiting(q: Queue, n: int, day: date = date(2026, 10, 10)) -> list[Conversion]:
    """n more conversions of 1.00 USD awaiting approval on "Spring", one new creator each."""
    out = []
    for i in range(n):
        cc = CampaignCreatorFactory(campaign=q.spring, creator__name=f"Extra {i:03d}")
        out.append(conversion(cc, day, "1.00", "awaiting"))
    return out
