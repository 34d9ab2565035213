"""Payout runs: everything payable, per creator and currency, paid together by file.

A run (payout_run_create) gathers, for each creator and currency:
- the conversions that are payable (approved in a month that has closed) and
- the adjustments owed on top that no payout has covered (clawbacks and top-ups after
  approval, also on conversions already paid),
whether they are new or were carried by an earlier run. Their net is one line:
- net <= 0 (clawbacks after payment outweigh new earnings) or below the organisation's
  minimum for the currency (PayoutMinimum): CARRIED. The line holds the items; the next run
  takes them again, so the balance is carried forward and a negative amount is never paid;
- no payout details, or details the file cannot express (commissions.payout_files):
  REJECTED with the reason; the items stay payable for a later run;
- otherwise PAY: the line holds the items until the run is paid or cancelled.
Marking the run paid (payout_run_pay) records who and when (and a PayoutBatch), and the
items of its PAY lines become paid. Cancelling releases everything it held.

Reconciliation (commissions.selectors.payouts.reconciliation): for every creator, month (of
the conversion date) and currency, owed = paid + payable + pending + carried, where carried is
what the latest run carried forward and no later run has taken (items held by a CARRIED
line).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from attribution import crypto
from commissions.lock_objects import (
    adjustments_select_for_update,
    conversions_select_for_update,
    payout_run_lock,
)
from commissions.models import (
    ZERO,
    Conversion,
    ConversionAdjustment,
    PayoutBatch,
    PayoutLine,
    PayoutMinimum,
    PayoutRun,
)
from commissions.payout_files import FileLine, line_problems
from core.money import minor_unit, money_round
from creators.models import Creator
from creators.payout_details import payout_details_for_creators
from tenancy.models import Organization, User

Outcome = PayoutLine.Outcome


def runnable_conversions() -> QuerySet[Conversion]:
    """Conversions a new run takes: payable, and not held by a line (or carried by one)."""
    return Conversion.objects.filter(status=Conversion.Status.PAYABLE).filter(
        Q(payout_line__isnull=True) | Q(payout_line__outcome=Outcome.CARRIED)
    )


def runnable_adjustments() -> QuerySet[ConversionAdjustment]:
    """Adjustments owed on top that a new run takes: not covered by a payout, on a conversion
    that is payable or paid, and not held by a line (or carried by one)."""
    return (
        ConversionAdjustment.objects.on_top()
        .filter(
            payout_batch__isnull=True,
            conversion__status__in=(Conversion.Status.PAYABLE, Conversion.Status.PAID),
        )
        .filter(Q(payout_line__isnull=True) | Q(payout_line__outcome=Outcome.CARRIED))
    )


def payout_minimums() -> dict[str, Decimal]:
    return {m.currency: m.amount for m in PayoutMinimum.objects.all()}


def payout_minimum_set(*, currency: str, amount: str | Decimal, user: User | None) -> None:
    """Set the organisation's minimum payout in `currency` (0 or empty: no minimum)."""
    code = (currency or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValidationError({"currency": "A three-letter currency code, e.g. USD."})
    text = str(amount if amount is not None else "").strip() or "0"
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError({code: f"Enter an amount in {code}, e.g. 50."}) from exc
    if not value.is_finite() or value < 0:
        raise ValidationError({code: "The minimum cannot be negative."})
    if money_round(value, code) != value:
        places = minor_unit(code)
        raise ValidationError(
            {code: f"{code} has {places} decimal{'s' if places != 1 else ''}; round the minimum."}
        )
    if value >= Decimal("1e12"):
        raise ValidationError({code: "That minimum is too large."})
    if value == 0:
        PayoutMinimum.objects.filter(currency=code).delete()
        return
    PayoutMinimum.objects.update_or_create(
        currency=code, defaults={"amount": value, "updated_by": user}
    )


@dataclass
class _Group:
    conversions: list[tuple[int, Decimal]] = field(default_factory=list)
    adjustments: list[tuple[int, Decimal]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((c for _, c in self.conversions), ZERO) + sum(
            (a for _, a in self.adjustments), ZERO
        )


def _outcome(
    total: Decimal, currency: str, minimum: Decimal, problems: list[str]
) -> tuple[str, str]:
    if total < 0:
        return Outcome.CARRIED, "Negative balance (clawbacks after payment) carried forward."
    if total == 0:
        return Outcome.CARRIED, "Nothing to pay: the balance is zero."
    if total < minimum:
        return Outcome.CARRIED, f"Below the minimum payout of {minimum} {currency}."
    if problems:
        text = "; ".join(problems)
        return Outcome.REJECTED, text[:1].upper() + text[1:] + "."
    return Outcome.PAY, ""


def payout_run_create(*, organization: Organization, user: User | None) -> PayoutRun:
    """Gather everything payable into a new run (tenant in scope). Refused while another run
    is open, or when nothing is payable."""
    with transaction.atomic():
        if PayoutRun.objects.filter(status=PayoutRun.Status.DRAFT).exists():
            raise ValidationError("A payout run is already open: pay or cancel it first.")
        minimums = payout_minimums()
        try:
            with transaction.atomic():
                run = PayoutRun.objects.create(
                    created_by=user, minimums={c: str(a) for c, a in sorted(minimums.items())}
                )
        except IntegrityError as exc:  # another run was opened meanwhile
            raise ValidationError("A payout run is already open: pay or cancel it first.") from exc
        groups: dict[tuple[int, str], _Group] = defaultdict(_Group)
        # Locked by primary key alone (a lock cannot take the outer join's nullable side).
        taken = Conversion.objects.filter(pk__in=runnable_conversions().values("pk"))
        for pk, creator_id, currency, commission in conversions_select_for_update(
            taken
        ).values_list("pk", "creator_id", "currency", "commission"):
            groups[(creator_id, currency)].conversions.append((pk, commission))
        taken_adjustments = ConversionAdjustment.objects.filter(
            pk__in=runnable_adjustments().values("pk")
        )
        for pk, creator_id, currency, commission in adjustments_select_for_update(
            taken_adjustments
        ).values_list("pk", "conversion__creator_id", "conversion__currency", "commission"):
            groups[(creator_id, currency)].adjustments.append((pk, commission))
        if not groups:
            raise ValidationError("Nothing is payable right now.")
        creators = {
            c.pk: c
            for c in Creator.objects.filter(pk__in={k[0] for k in groups}).only("name", "email")
        }
        details = payout_details_for_creators(set(creators))
        lines: list[tuple[PayoutLine, _Group]] = []
        for (creator_id, currency), group in sorted(
            groups.items(), key=lambda kv: (kv[0][1], creators[kv[0][0]].name.lower(), kv[0][0])
        ):
            creator = creators[creator_id]
            total = money_round(group.total, currency)
            mine = details.get(creator_id)
            line = PayoutLine(
                run=run,
                creator=creator,
                currency=currency,
                amount=total,
                method=mine.method if mine else "",
                details_encrypted=mine.encrypt() if mine else "",
                conversions_count=len(group.conversions),
                adjustments_count=len(group.adjustments),
                outcome=Outcome.PAY,
            )
            lines.append((line, group))
        PayoutLine.objects.bulk_create([line for line, _ in lines])
        for line, _ in lines:
            creator = creators[line.creator_id]
            file_line = FileLine(
                reference=line.reference,
                creator_id=creator.pk,
                creator_name=creator.name,
                creator_email=creator.email,
                currency=line.currency,
                amount=line.amount,
                details=details.get(creator.pk),
            )
            problems = line_problems(file_line, brand=organization.name)
            minimum = minimums.get(line.currency, ZERO)
            line.outcome, line.reason = _outcome(line.amount, line.currency, minimum, problems)
        PayoutLine.objects.bulk_update([line for line, _ in lines], ["outcome", "reason"])
        for line, group in lines:
            if line.outcome == Outcome.REJECTED:
                continue  # its items stay as they were: payable (or carried) for a later run
            Conversion.objects.filter(pk__in=[pk for pk, _ in group.conversions]).update(
                payout_line=line, updated_at=timezone.now()
            )
            ConversionAdjustment.objects.filter(pk__in=[pk for pk, _ in group.adjustments]).update(
                payout_line=line
            )
    return run


def _locked_draft(run_id: int) -> PayoutRun:
    run = payout_run_lock(run_id=run_id)
    if run is None:
        raise ValidationError("No such payout run.")
    if run.status != PayoutRun.Status.DRAFT:
        raise ValidationError(f"This payout run is already {run.get_status_display().lower()}.")
    return run


def payout_run_pay(*, run_id: int, user: User | None, reference: str = "") -> PayoutRun:
    """Mark the open run paid: who, when and the reference (also as a PayoutBatch with the
    totals per currency); the conversions of its lines to pay become paid, its adjustments are
    covered. Carried lines keep their items for the next run."""
    reference = (reference or "").strip()
    if len(reference) > 200:
        raise ValidationError({"reference": "At most 200 characters."})
    now = timezone.now()
    with transaction.atomic():
        run = _locked_draft(run_id)
        pay_lines = list(run.lines.filter(outcome=Outcome.PAY))
        if not pay_lines:
            raise ValidationError("This run has no line to pay; cancel it instead.")
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for line in pay_lines:
            assert line.amount > 0  # a payout is never negative (payout_run_create)
            totals[line.currency] += line.amount
        conversions = conversions_select_for_update().filter(payout_line__in=pay_lines)
        conversion_ids = list(conversions.values_list("pk", flat=True))
        adjustment_ids = list(
            adjustments_select_for_update()
            .filter(payout_line__in=pay_lines)
            .values_list("pk", flat=True)
        )
        batch = PayoutBatch.objects.create(
            paid_by=user,
            paid_at=now,
            reference=reference,
            conversions_count=len(conversion_ids),
            adjustments_count=len(adjustment_ids),
            totals={cur: str(amount) for cur, amount in sorted(totals.items())},
        )
        Conversion.objects.filter(pk__in=conversion_ids).update(
            status=Conversion.Status.PAID, paid_at=now, payout_batch=batch, updated_at=now
        )
        ConversionAdjustment.objects.filter(pk__in=adjustment_ids).update(payout_batch=batch)
        run.status, run.paid_by, run.paid_at = PayoutRun.Status.PAID, user, now
        run.reference, run.batch = reference, batch
        run.save(update_fields=["status", "paid_by", "paid_at", "reference", "batch"])
    return run


def payout_run_cancel(*, run_id: int, user: User | None) -> PayoutRun:
    """Cancel the open run: everything it held is payable again (a balance it carried is
    simply payable; the next run weighs it again)."""
    with transaction.atomic():
        run = _locked_draft(run_id)
        lines = list(run.lines.all())
        conversion_ids = list(
            conversions_select_for_update()
            .filter(payout_line__in=lines)
            .values_list("pk", flat=True)
        )
        adjustment_ids = list(
            adjustments_select_for_update()
            .filter(payout_line__in=lines)
            .values_list("pk", flat=True)
        )
        Conversion.objects.filter(pk__in=conversion_ids).update(
            payout_line=None, updated_at=timezone.now()
        )
        ConversionAdjustment.objects.filter(pk__in=adjustment_ids).update(payout_line=None)
        run.status, run.cancelled_by, run.cancelled_at = (
            PayoutRun.Status.CANCELLED,
            user,
            timezone.now(),
        )
        run.save(update_fields=["status", "cancelled_by", "cancelled_at"])
    return run


def payout_lines_rotate(**kwargs: object) -> tuple[str, int]:
    """Receiver of attribution.signals.secrets_rotating (connected in CommissionsConfig.ready):
    re-encrypt the payout details runs keep on their lines (written once, at the run's
    creation; nothing else writes them)."""
    done = 0
    for line in PayoutLine.objects.exclude(details_encrypted="").only("details_encrypted"):
        line.details_encrypted = crypto.rotate(line.details_encrypted)
        line.save(update_fields=["details_encrypted"])
        done += 1
    return "payout run line(s)", done
