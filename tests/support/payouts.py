"""Payout runs in a tenant: a store, creators with payable balances and payout details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from commissions.models import Conversion, ConversionAdjustment
from creators.models import Creator
from creators.payout_details import payout_details_save
from tenancy.scoping import tenant_scope
from tests.factories import (
    CampaignCreatorFactory,
    CampaignFactory,
    ConversionAdjustmentFactory,
    ConversionFactory,
    StoreFactory,
)

IBAN = "DE89370400440532013000"
UK = {"sort_code": "40-47-84", "account_number": "70872490"}


@dataclass
class Shop:
    tenant: object
    currency: str

    def __post_init__(self) -> None:
        self.days = 0
        org = self.tenant.org  # type: ignore[attr-defined]
        self.store = StoreFactory(organization=org, currency_code=self.currency)
        self.campaign = CampaignFactory(
            organization=org, store=self.store, name=f"Launch {self.currency}"
        )

    def creator(self, name: str, email: str = "") -> Creator:
        cc = CampaignCreatorFactory(
            campaign=self.campaign,
            creator__name=name,
            creator__email=email or f"{name.lower()}@creators.test",
        )
        cc.creator.cc = cc  # type: ignore[attr-defined]
        return cc.creator

    def earn(
        self, creator: Creator, amount: str, day: date = date(2026, 9, 1), status: str = "payable"
    ) -> Conversion:
        """A conversion of `creator` on a day of its own from `day` on (one per call)."""
        self.days += 1
        return ConversionFactory(
            campaign_creator=creator.cc,  # type: ignore[attr-defined]
            date=day + timedelta(days=self.days),
            currency=self.currency,
            commission_rate=Decimal("10"),
            commission=Decimal(amount),
            sales=Decimal(amount) * 10,
            status=status,
        )

    def clawback(self, conversion: Conversion, amount: str) -> ConversionAdjustment:
        return ConversionAdjustmentFactory(
            conversion=conversion, kind="clawback", included=False, commission=Decimal(amount)
        )


def paypal(creator: Creator, email: str | None = None) -> None:
    with tenant_scope(creator.organization_id):
        payout_details_save(
            creator=creator,
            data={"method": "paypal", "paypal_email": email or creator.email},
            user=None,
        )


def bank(creator: Creator, **values: str) -> None:
    data = {"method": "wise", "account_holder": creator.name, "receiver_type": "PERSON"}
    data.update(values or {"iban": IBAN})
    with tenant_scope(creator.organization_id):
        payout_details_save(creator=creator, data=data, user=None)
