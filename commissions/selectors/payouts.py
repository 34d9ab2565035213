"""Reads about payout runs: the runs and their lines (finance), the files' lines, a creator's
own payouts (the portal), and the reconciliation of every creator, month and currency."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from attribution.models import Store
from commissions.models import (
    ZERO,
    Conversion,
    ConversionAdjustment,
    PayoutLine,
    PayoutMinimum,
    PayoutRun,
)
from commissions.payout_files import (
    PAYPAL_CURRENCIES,
    WISE_ACCOUNT_COLUMNS,
    FileLine,
)
from creators.models import PayoutMethod
from creators.payout_details import PayoutDetailsData
from tenancy.access import access_by_id

Outcome = PayoutLine.Outcome
S = Conversion.Status


def payout_runs_recent(limit: int = 20) -> QuerySet[PayoutRun]:
    return PayoutRun.objects.select_related("created_by", "paid_by")[:limit]


def payout_run_open() -> PayoutRun | None:
    return PayoutRun.objects.filter(status=PayoutRun.Status.DRAFT).first()


def payout_run_get(run_id: object) -> PayoutRun:
    """One of the tenant's runs; Http404 for anything else (tenancy.access)."""
    return access_by_id(
        PayoutRun.objects.select_related("created_by", "paid_by", "cancelled_by"),
        run_id,
        message="No such payout run.",
    )


def payout_minimums_list() -> list[PayoutMinimum]:
    return list(PayoutMinimum.objects.all())


def payout_currencies() -> list[str]:
    """The currencies the tenant pays in: its stores' and any with a minimum set. Two queries."""
    stores = set(Store.objects.values_list("currency_code", flat=True))
    return sorted(
        {c.upper() for c in stores if c} | {m.currency for m in PayoutMinimum.objects.all()}
    )


@dataclass
class RunLine:
    line: PayoutLine
    details: PayoutDetailsData | None

    @property
    def file_line(self) -> FileLine:
        creator = self.line.creator
        return FileLine(
            reference=self.line.reference,
            creator_id=creator.pk,
            creator_name=creator.name,
            creator_email=creator.email,
            currency=self.line.currency,
            amount=self.line.amount,
            details=self.details,
        )

    @property
    def hint(self) -> str:
        return self.details.hint() if self.details else "No payout details"


@dataclass
class RunFile:
    kind: str  # paypal | wise
    currency: str
    count: int
    total: Decimal

    @property
    def label(self) -> str:
        name = "PayPal Payouts" if self.kind == "paypal" else "Wise batch"
        return f"{name} · {self.currency}"


@dataclass
class RunView:
    run: PayoutRun
    lines: list[RunLine]

    def of(self, outcome: str) -> list[RunLine]:
        return [rl for rl in self.lines if rl.line.outcome == outcome]

    @property
    def to_pay(self) -> list[RunLine]:
        return self.of(Outcome.PAY)

    @property
    def carried(self) -> list[RunLine]:
        return self.of(Outcome.CARRIED)

    @property
    def rejected(self) -> list[RunLine]:
        return self.of(Outcome.REJECTED)

    @property
    def totals(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for rl in self.to_pay:
            totals[rl.line.currency] += rl.line.amount
        return dict(sorted(totals.items()))

    @property
    def files(self) -> list[RunFile]:
        """One provider file per method and currency among the lines to pay."""
        found: dict[tuple[str, str], RunFile] = {}
        for rl in self.to_pay:
            method = rl.line.method
            if method not in (PayoutMethod.PAYPAL, PayoutMethod.WISE):
                continue
            key = (method, rl.line.currency)
            f = found.setdefault(key, RunFile(method, rl.line.currency, 0, ZERO))
            f.count += 1
            f.total += rl.line.amount
        return [found[k] for k in sorted(found)]


def payout_run_view(run: PayoutRun) -> RunView:
    """The run with its lines (creators, decrypted details snapshot). One query for lines."""
    lines = run.lines.select_related("creator").order_by("currency", "creator__name", "pk")
    return RunView(
        run,
        [
            RunLine(
                line,
                PayoutDetailsData.decrypt(line.details_encrypted)
                if line.details_encrypted
                else None,
            )
            for line in lines
        ],
    )


def payout_file_kinds() -> dict[str, frozenset[str]]:
    return {"paypal": PAYPAL_CURRENCIES, "wise": frozenset(WISE_ACCOUNT_COLUMNS)}


# --- The portal: a creator's own payouts ------------------------------------------------------


@dataclass
class PayoutItem:
    kind: str
    conversion: Conversion
    amount: Decimal


@dataclass
class CreatorPayout:
    line: PayoutLine
    items: list[PayoutItem] = field(default_factory=list)

    @property
    def run(self) -> PayoutRun:
        return self.line.run


def creator_payouts(*, creator_id: int) -> list[CreatorPayout]:
    """The creator's lines of paid runs (paid to them) and carried lines not taken by a later
    run (their balance carried forward), newest first, each with its conversions and
    adjustments. Three queries."""
    lines = list(
        PayoutLine.objects.filter(creator_id=creator_id)
        .filter(run__status=PayoutRun.Status.PAID, outcome__in=(Outcome.PAY, Outcome.CARRIED))
        .select_related("run")
        .order_by("-run__paid_at", "-pk")
    )
    by_id = {line.pk: CreatorPayout(line) for line in lines}
    for c in (
        Conversion.objects.filter(payout_line__in=by_id)
        .select_related("campaign")
        .order_by("date", "pk")
    ):
        assert c.payout_line_id is not None
        by_id[c.payout_line_id].items.append(PayoutItem("conversion", c, c.commission))
    for a in (
        ConversionAdjustment.objects.filter(payout_line__in=by_id)
        .select_related("conversion__campaign")
        .order_by("conversion__date", "pk")
    ):
        assert a.payout_line_id is not None
        by_id[a.payout_line_id].items.append(PayoutItem(a.kind, a.conversion, a.commission))
    # A carried line whose items a later run took holds nothing any more: not shown.
    return [p for p in by_id.values() if p.line.outcome == Outcome.PAY or p.items]


# --- Reconciliation ---------------------------------------------------------------------------


@dataclass
class Reconciliation:
    """One creator, month (of the conversion date) and currency. `owed` is the ledger's
    definition (commission of the conversions that owe + the adjustments owed on top,
    ConversionQuerySet.with_owed); the four buckets partition it:
    - pending: conversions not yet decided (pending, awaiting approval);
    - paid: paid conversions and the adjustments a payout covered;
    - carried: what a paid run carried forward (negative or below the minimum) that no later
      run has taken: conversions and adjustments held by a CARRIED line;
    - payable: the rest (approved or payable, including what an open run holds to pay).
    """

    creator_id: int
    month: date
    currency: str
    owed: Decimal = ZERO
    paid: Decimal = ZERO
    payable: Decimal = ZERO
    pending: Decimal = ZERO
    carried: Decimal = ZERO

    @property
    def balanced(self) -> bool:
        return self.owed == self.paid + self.payable + self.pending + self.carried


CARRIED = Q(payout_line__outcome=Outcome.CARRIED)


def reconciliation(*, creator_id: int | None = None) -> list[Reconciliation]:
    """The reconciliation of every creator, month and currency of the tenant in scope (or one
    creator's). Three queries."""
    conversions = Conversion.objects.owing()
    adjustments = ConversionAdjustment.objects.on_top().exclude(conversion__status=S.DENIED)
    if creator_id is not None:
        conversions = conversions.filter(creator_id=creator_id)
        adjustments = adjustments.filter(conversion__creator_id=creator_id)
    result: dict[tuple[int, date, str], Reconciliation] = {}

    def bucket(creator: int, month: date, currency: str) -> Reconciliation:
        key = (creator, month, currency)
        if key not in result:
            result[key] = Reconciliation(creator, month, currency)
        return result[key]

    undecided = Q(status__in=Conversion.UNDECIDED)
    for row in (
        conversions.with_owed()
        .annotate(month=TruncMonth("date"))
        .values("creator_id", "month", "currency")
        .annotate(
            owed=Sum("owed"),
            pending=Sum("commission", filter=undecided),
            paid=Sum("commission", filter=Q(status=S.PAID)),
            carried=Sum("commission", filter=Q(status__in=(S.APPROVED, S.PAYABLE)) & CARRIED),
            payable=Sum("commission", filter=Q(status__in=(S.APPROVED, S.PAYABLE)) & ~CARRIED),
        )
    ):
        b = bucket(row["creator_id"], row["month"], row["currency"])
        b.owed += row["owed"] or ZERO
        b.pending += row["pending"] or ZERO
        b.paid += row["paid"] or ZERO
        b.carried += row["carried"] or ZERO
        b.payable += row["payable"] or ZERO
    unpaid = Q(payout_batch__isnull=True)
    for row in (
        adjustments.annotate(month=TruncMonth("conversion__date"))
        .values("conversion__creator_id", "month", "conversion__currency")
        .annotate(
            paid=Sum("commission", filter=~unpaid),
            carried=Sum("commission", filter=unpaid & CARRIED),
            pending=Sum(
                "commission",
                filter=unpaid & ~CARRIED & Q(conversion__status__in=Conversion.UNDECIDED),
            ),
            payable=Sum(
                "commission",
                filter=unpaid & ~CARRIED & ~Q(conversion__status__in=Conversion.UNDECIDED),
            ),
        )
    ):
        b = bucket(row["conversion__creator_id"], row["month"], row["conversion__currency"])
        b.paid += row["paid"] or ZERO
        b.carried += row["carried"] or ZERO
        b.pending += row["pending"] or ZERO
        b.payable += row["payable"] or ZERO
    return sorted(result.values(), key=lambda r: (r.creator_id, r.month, r.currency))
