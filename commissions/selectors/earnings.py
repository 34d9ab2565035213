"""A creator's earnings in one brand (tenant in scope, the creator portal): their own
conversions and the adjustments on them, by status and month, per currency (never summed across
currencies).

What a conversion is worth to the creator ("amount") is what it owes
(ConversionQuerySet.with_owed): its commission plus the adjustments owed on top (clawbacks and
top-ups after approval). Restatements before approval are already folded in; they are shown as
lines of their own for the record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from campaigns.models import HIDDEN_FROM_CREATORS
from commissions.models import Conversion, ConversionAdjustment, ConversionQuerySet
from core.months import month_range

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


def creator_conversions(*, creator_id: int) -> ConversionQuerySet:
    """The creator's conversions they may see: those of campaigns shown to them in the portal
    (not drafts; campaigns they were removed from stay, what they earned there is theirs)."""
    return Conversion.objects.filter(creator_id=creator_id).exclude(
        campaign__status__in=HIDDEN_FROM_CREATORS
    )


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
    """Per currency and per (month of the sale, currency), the amount in each status. One
    query whatever the number of conversions."""
    conversions = (
        creator_conversions(creator_id=creator_id)
        .with_owed()
        .annotate(month=TruncMonth("date"))
        .values("currency", "status", "month")
        .annotate(n=Count("pk"), amount=Sum("owed"))
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
        add(row["currency"], row["status"], row["month"], row["amount"] or ZERO, row["n"])
    return Summary(
        currencies=[currencies[c] for c in sorted(currencies)],
        months=sorted(months.values(), key=lambda m: (m.month, m.currency), reverse=True),
    )


@dataclass
class EarningLine:
    conversion: Conversion  # annotated by ConversionQuerySet.with_owed
    adjustments: list[ConversionAdjustment]

    @property
    def amount(self) -> Decimal:
        return self.conversion.owed


def earnings_month(*, creator_id: int, month: date) -> list[EarningLine]:
    """The creator's conversions of one month (of the sale), each with its adjustments. Two
    queries."""
    conversions = (
        creator_conversions(creator_id=creator_id)
        .filter(date__range=month_range(month))
        .with_owed()
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
    conversions = creator_conversions(creator_id=creator_id)
    if after is not None:
        conversions = conversions.filter(Q(date__gt=after[0]) | Q(date=after[0], pk__gt=after[1]))
    page = (
        conversions.with_owed()
        .select_related("campaign", "store")
        .prefetch_related("adjustments")
        .order_by("date", "pk")[:size]
    )
    return [EarningLine(c, list(c.adjustments.all())) for c in page]
