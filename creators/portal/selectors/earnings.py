"""A creator's earnings in one brand (tenant in scope): their own conversions and the
adjustments on them, by status and month, per currency (never summed across currencies).

What a conversion is worth to the creator ("amount") is its commission plus the adjustments
not folded into it (clawbacks and top-ups after approval), as in
reporting.services.commission_owed. Restatements before approval are already folded in; they
are shown as lines of their own for the record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from core.months import month_range
from reporting.models import Conversion, ConversionAdjustment

ZERO = Decimal("0")
S = Conversion.Status
# The order a creator reads them in: money on its way, then money decided.
STATUS_ORDER = (S.PENDING, S.AWAITING, S.APPROVED, S.PAYABLE, S.PAID, S.DENIED)
LABELS: dict[str, str] = dict(S.choices)
EXPLAINED: dict[str, str] = {
    S.PENDING: "Amazon can still restate these days; they settle on the date shown.",
    S.AWAITING: "Settled; the brand approves or denies them next.",
    S.APPROVED: "Approved; payable once the month of approval has closed.",
    S.PAYABLE: "Approved and due for payment.",
    S.PAID: "Paid out.",
    S.DENIED: "Denied by the brand (the reason is on each line); not paid.",
}


@dataclass
class StatusAmount:
    status: str
    count: int = 0
    amount: Decimal = ZERO

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def explanation(self) -> str:
        return EXPLAINED[self.status]


@dataclass
class CurrencyEarnings:
    currency: str
    by_status: dict[str, StatusAmount] = field(
        default_factory=lambda: {s: StatusAmount(s) for s in STATUS_ORDER}
    )

    @property
    def statuses(self) -> list[StatusAmount]:
        return [self.by_status[s] for s in STATUS_ORDER]

    @property
    def total(self) -> Decimal:
        """Everything earned and not denied: pending through paid."""
        return sum((a.amount for a in self.statuses if a.status != S.DENIED), ZERO)


@dataclass
class MonthEarnings(CurrencyEarnings):
    month: date = date.min


@dataclass
class Summary:
    currencies: list[CurrencyEarnings]
    months: list[MonthEarnings]

    @property
    def empty(self) -> bool:
        return not self.currencies


def earnings_summary(*, creator_id: int) -> Summary:
    """Per currency and per (month of the sale, currency), the amount in each status. Two
    queries whatever the number of conversions."""
    conversions = (
        Conversion.objects.filter(creator_id=creator_id)
        .annotate(month=TruncMonth("date"))
        .values("currency", "status", "month")
        .annotate(n=Count("pk"), commission=Sum("commission"))
    )
    extras = (
        ConversionAdjustment.objects.filter(conversion__creator_id=creator_id, included=False)
        .annotate(month=TruncMonth("conversion__date"))
        .values("conversion__currency", "conversion__status", "month")
        .annotate(commission=Sum("commission"))
    )
    currencies: dict[str, CurrencyEarnings] = {}
    months: dict[tuple[date, str], MonthEarnings] = {}

    def add(currency: str, status: str, month: date, amount: Decimal, count: int) -> None:
        for bucket in (
            currencies.setdefault(currency, CurrencyEarnings(currency)),
            months.setdefault((month, currency), MonthEarnings(currency, month=month)),
        ):
            line = bucket.by_status[status]
            line.count += count
            line.amount += amount

    for row in conversions:
        add(row["currency"], row["status"], row["month"], row["commission"] or ZERO, row["n"])
    for row in extras:
        add(
            row["conversion__currency"],
            row["conversion__status"],
            row["month"],
            row["commission"] or ZERO,
            0,
        )
    return Summary(
        currencies=[currencies[c] for c in sorted(currencies)],
        months=sorted(months.values(), key=lambda m: (m.month, m.currency), reverse=True),
    )


@dataclass
class EarningLine:
    conversion: Conversion
    adjustments: list[ConversionAdjustment]

    @property
    def amount(self) -> Decimal:
        extra = sum((a.commission for a in self.adjustments if not a.included), ZERO)
        return self.conversion.commission + extra


def earnings_month(*, creator_id: int, month: date) -> list[EarningLine]:
    """The creator's conversions of one month (of the sale), each with its adjustments. Two
    queries."""
    conversions = (
        Conversion.objects.filter(creator_id=creator_id, date__range=month_range(month))
        .select_related("campaign", "store")
        .prefetch_related("adjustments")
        .order_by("date", "campaign__name", "pk")
    )
    return [EarningLine(c, list(c.adjustments.all())) for c in conversions]


def earnings_page(
    *, creator_id: int, after: tuple[date, int] | None = None, size: int = 500
) -> list[EarningLine]:
    """Up to `size` of the creator's conversions (with their adjustments) after the (date, id)
    `after`, oldest first: keyset pages, so an export of any length reads in short queries.
    Two queries a page."""
    conversions = Conversion.objects.filter(creator_id=creator_id)
    if after is not None:
        conversions = conversions.filter(Q(date__gt=after[0]) | Q(date=after[0], pk__gt=after[1]))
    page = (
        conversions.select_related("campaign", "store")
        .prefetch_related("adjustments")
        .order_by("date", "pk")[:size]
    )
    return [EarningLine(c, list(c.adjustments.all())) for c in page]
