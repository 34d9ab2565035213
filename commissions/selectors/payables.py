"""Payables: what is owed to each creator per month (of the conversion date) and currency,
from approved and payable conversions plus every adjustment owed on top that no payout has
covered yet (including clawbacks and top-ups on conversions already paid). Currencies are never
added up. A fixed number of queries whatever the number of creators or months."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from commissions.models import ZERO, Conversion, ConversionAdjustment, PayoutBatch
from core.months import month_parse, month_range
from creators.models import Creator

OWING_UNPAID = (Conversion.Status.APPROVED, Conversion.Status.PAYABLE)


@dataclass(frozen=True)
class PayableKey:
    creator_id: int
    month: date
    currency: str

    @property
    def token(self) -> str:
        return f"{self.creator_id}|{self.month:%Y-%m}|{self.currency}"

    @classmethod
    def parse(cls, token: str) -> PayableKey | None:
        try:
            creator, month, currency = token.split("|")
            first = month_parse(month)
            return cls(int(creator), first, currency.upper()[:3]) if first else None
        except ValueError:
            return None


@dataclass
class PayableLine:
    key: PayableKey
    creator_name: str
    creator_email: str
    conversions: int = 0
    approved: int = 0
    payable: int = 0
    sales: Decimal = ZERO
    commission: Decimal = ZERO
    adjustments: Decimal = ZERO

    @property
    def owed(self) -> Decimal:
        return self.commission + self.adjustments


def payable_conversions(key: PayableKey | None = None) -> QuerySet[Conversion]:
    qs = Conversion.objects.filter(status__in=OWING_UNPAID)
    if key:
        qs = qs.filter(
            creator_id=key.creator_id, date__range=month_range(key.month), currency=key.currency
        )
    return qs


def payable_adjustments(key: PayableKey | None = None) -> QuerySet[ConversionAdjustment]:
    qs = ConversionAdjustment.objects.on_top().filter(
        payout_batch__isnull=True, conversion__status__in=Conversion.DECIDED_OWING
    )
    if key:
        qs = qs.filter(
            conversion__creator_id=key.creator_id,
            conversion__date__range=month_range(key.month),
            conversion__currency=key.currency,
        )
    return qs


def payables_list(*, month: date | None = None) -> list[PayableLine]:
    """Lines per (creator, month, currency), oldest month first, then creator name."""
    conversions = payable_conversions()
    adjustments = payable_adjustments()
    if month:
        conversions = conversions.filter(date__range=month_range(month))
        adjustments = adjustments.filter(conversion__date__range=month_range(month))
    lines: dict[tuple[int, date, str], dict] = {}
    for row in (
        conversions.annotate(month=TruncMonth("date"))
        .values("creator_id", "month", "currency")
        .annotate(
            n=Count("pk"),
            approved=Count("pk", filter=Q(status=Conversion.Status.APPROVED)),
            payable=Count("pk", filter=Q(status=Conversion.Status.PAYABLE)),
            sales=Sum("sales"),
            commission=Sum("commission"),
        )
    ):
        lines[(row["creator_id"], row["month"], row["currency"])] = {
            "conversions": row["n"],
            "approved": row["approved"],
            "payable": row["payable"],
            "sales": row["sales"] or ZERO,
            "commission": row["commission"] or ZERO,
        }
    for adj in (
        adjustments.annotate(month=TruncMonth("conversion__date"))
        .values("conversion__creator_id", "month", "conversion__currency")
        .annotate(commission=Sum("commission"))
    ):
        key = (adj["conversion__creator_id"], adj["month"], adj["conversion__currency"])
        lines.setdefault(key, {})["adjustments"] = adj["commission"] or ZERO
    creators = {
        c.pk: c for c in Creator.objects.filter(pk__in={k[0] for k in lines}).only("name", "email")
    }
    result = [
        PayableLine(
            key=PayableKey(creator_id, month_, currency),
            creator_name=creators[creator_id].name,
            creator_email=creators[creator_id].email,
            **values,
        )
        for (creator_id, month_, currency), values in lines.items()
    ]
    result.sort(key=lambda line: (line.key.month, line.creator_name.lower(), line.key.currency))
    return result


@dataclass
class PayableDetail:
    """One conversion or adjustment behind a payables line (the detailed CSV)."""

    key: PayableKey
    creator_name: str
    creator_email: str
    kind: str
    conversion_id: int
    date: date
    campaign: str
    status: str
    sales: Decimal
    commission: Decimal


def payables_detail(*, month: date | None = None) -> Iterator[PayableDetail]:
    conversions = payable_conversions().select_related("creator", "campaign")
    adjustments = payable_adjustments().select_related(
        "conversion__creator", "conversion__campaign"
    )
    if month:
        conversions = conversions.filter(date__range=month_range(month))
        adjustments = adjustments.filter(conversion__date__range=month_range(month))
    for c in conversions.order_by("date", "pk").iterator(chunk_size=2000):
        yield PayableDetail(
            PayableKey(c.creator_id, c.date.replace(day=1), c.currency),
            c.creator.name,
            c.creator.email,
            "conversion",
            c.pk,
            c.date,
            c.campaign.name,
            c.status,
            c.sales,
            c.commission,
        )
    for a in adjustments.order_by("conversion__date", "pk").iterator(chunk_size=2000):
        c = a.conversion
        yield PayableDetail(
            PayableKey(c.creator_id, c.date.replace(day=1), c.currency),
            c.creator.name,
            c.creator.email,
            a.kind,
            c.pk,
            c.date,
            c.campaign.name,
            c.status,
            a.sales,
            a.commission,
        )


def payout_batches_recent(limit: int = 20) -> QuerySet[PayoutBatch]:
    return PayoutBatch.objects.select_related("paid_by")[:limit]
