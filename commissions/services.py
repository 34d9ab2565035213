"""Writes of the ledger: conversions settle from the synced facts, states advance, managers
decide. Finance pays in payout runs (commissions/payouts.py). Rows are locked only through
commissions.lock_objects (one order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from attribution.models import DailyMetric, MetricLevel, Store, SyncRun
from campaigns.models import Campaign, CampaignCreator
from commissions.approvals import (
    BATCH_SIZE,
    DENY_REASON_REQUIRED,
    conversions_approve_at_settlement,
)
from commissions.lock_objects import conversions_select_for_update
from commissions.models import ZERO, Conversion, ConversionAdjustment
from core.money import money_round
from tenancy.models import User

AMOUNTS = ("purchases", "units_sold", "sales", "commission", "brand_referral_bonus")


@dataclass(frozen=True)
class Amounts:
    purchases: int = 0
    units_sold: int = 0
    sales: Decimal = ZERO
    commission: Decimal = ZERO
    brand_referral_bonus: Decimal = ZERO

    def minus(self, other: Amounts) -> Amounts:
        return Amounts(*(getattr(self, f) - getattr(other, f) for f in AMOUNTS))

    def is_zero(self) -> bool:
        return all(not getattr(self, f) for f in AMOUNTS)

    def as_fields(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in AMOUNTS}


def commission_for(sales: Decimal, rate: Decimal, currency: str) -> Decimal:
    """Sales x rate%, rounded half-up to the currency's minor unit (core.money's rounding)."""
    return money_round(sales * rate / Decimal(100), currency)


def _creator_days(store: Store, start: date | None, end: date | None) -> dict[tuple, dict]:
    """Amazon's ad-group rows of the store, summed per (ad group's campaign creator, date)."""
    creators = {
        (cc.campaign.amazon_campaign_id, cc.amazon_adgroup_id): cc
        for cc in CampaignCreator.objects.filter(
            campaign__store=store, campaign__track_sales=True
        ).select_related("campaign")
    }
    facts = DailyMetric.objects.filter(store=store, level=MetricLevel.ADGROUP)
    if start and end:
        facts = facts.filter(date__range=(start, end))
    rows = facts.values("date", "amazon_campaign_id", "amazon_adgroup_id").annotate(
        purchases=Sum("purchases"),
        units_sold=Sum("units_sold"),
        sales=Sum("sales"),
        total_purchases=Sum("total_purchases"),
        total_units_sold=Sum("total_units_sold"),
        total_sales=Sum("total_sales"),
        brb=Sum("brand_referral_bonus"),
    )
    days: dict[tuple, dict] = {}
    for row in rows:
        cc = creators.get((row["amazon_campaign_id"], row["amazon_adgroup_id"]))
        if cc is not None:  # unmatched rows stay facts; they earn nobody a commission
            days[(cc.pk, row["date"])] = {"cc": cc, **row}
    return days


def _amounts(row: dict, rate: Decimal, currency: str) -> Amounts:
    total = row["cc"].campaign.commission_basis == Campaign.CommissionBasis.TOTAL
    sales = row["total_sales"] if total else row["sales"]
    return Amounts(
        purchases=row["total_purchases"] if total else row["purchases"],
        units_sold=row["total_units_sold"] if total else row["units_sold"],
        sales=sales,
        commission=commission_for(sales, rate, currency),
        brand_referral_bonus=row["brb"],
    )


def _owed(conversion: Conversion) -> Amounts:
    """Where the conversion stands: its amounts plus the adjustments owed on top (annotated by
    ConversionQuerySet.with_owed: `owed` for the commission, `owed_<amount>` for the rest)."""
    names = {f: "owed" if f == "commission" else f"owed_{f}" for f in AMOUNTS}
    return Amounts(*(getattr(conversion, names[f]) for f in AMOUNTS))


def conversions_settle_after_sync(*, store: Store, sync_run: SyncRun, **kwargs: Any) -> None:
    """Receiver of attribution.signals.sync_applied (connected in CommissionsConfig.ready)."""
    conversions_settle(store=store, sync_run=sync_run)


def conversions_settle(
    *, store: Store, sync_run: SyncRun | None = None, today: date | None = None
) -> None:
    """Make the store's conversions agree with its ad-group facts (for the run's window), then
    advance their states. Runs in the sync's write transaction."""
    today = today or store.today()
    start = sync_run.window_start if sync_run else None
    end = sync_run.window_end if sync_run else None
    days = _creator_days(store, start, end)
    existing_qs = Conversion.objects.filter(store=store, source="amazon").select_related(
        "campaign_creator__campaign"
    )
    if start and end:
        existing_qs = existing_qs.filter(date__range=(start, end))
    existing = {
        (c.campaign_creator_id, c.date): c
        for c in existing_qs.with_owed(*(f for f in AMOUNTS if f != "commission"))
    }
    currency = store.currency_code
    new_conversions, adjustments = [], []
    for key in set(days) | set(existing):
        row, conversion = days.get(key), existing.get(key)
        if conversion is None:
            assert row is not None
            cc = row["cc"]
            amounts = _amounts(row, cc.commission_rate, currency)
            if amounts.is_zero():
                continue
            settles_on = key[1] + timedelta(days=cc.campaign.settlement_days)
            new_conversions.append(
                Conversion(
                    store=store,
                    campaign=cc.campaign,
                    campaign_creator=cc,
                    creator_id=cc.creator_id,
                    date=key[1],
                    currency=currency,
                    commission_rate=cc.commission_rate,
                    settles_on=settles_on,
                    **amounts.as_fields(),
                    # conversions_advance (below) settles it when its date has passed
                    status=Conversion.Status.PENDING,
                )
            )
            continue
        if conversion.status == Conversion.Status.DENIED:
            continue  # nothing is owed on a denied conversion, whatever Amazon restates
        undecided = conversion.status in Conversion.UNDECIDED
        rate = (
            conversion.campaign_creator.commission_rate
            if undecided and row
            else (conversion.commission_rate)
        )
        target = _amounts(row, rate, currency) if row else Amounts()
        delta = target.minus(_owed(conversion))
        if delta.is_zero() and (not undecided or rate == conversion.commission_rate):
            continue
        if undecided:
            for field in AMOUNTS:
                setattr(conversion, field, getattr(target, field))
            conversion.commission_rate = rate
            conversion.save(update_fields=[*AMOUNTS, "commission_rate", "updated_at"])
            kind, included = ConversionAdjustment.Kind.RESTATEMENT, True
        else:
            kind = (
                ConversionAdjustment.Kind.CLAWBACK
                if delta.commission < 0
                else ConversionAdjustment.Kind.TOP_UP
            )
            included = False
        if not delta.is_zero():
            adjustments.append(
                ConversionAdjustment(
                    conversion=conversion,
                    kind=kind,
                    included=included,
                    sync_run=sync_run,
                    **delta.as_fields(),
                )
            )
    Conversion.objects.bulk_create(new_conversions)
    ConversionAdjustment.objects.bulk_create(adjustments)
    conversions_advance(store=store, today=today)


def conversions_advance(*, store: Store, today: date | None = None) -> None:
    """Undecided past its settlement date -> approved on its own when nothing is owed or the
    campaign's approval rule allows it (commissions.approvals), else awaiting approval;
    approved in a month that has closed -> payable."""
    today = today or store.today()
    now = timezone.now()
    due = Conversion.objects.filter(
        store=store, status__in=Conversion.UNDECIDED, settles_on__lte=today
    )
    conversions_approve_at_settlement(due=due, now=now)
    due.filter(status=Conversion.Status.PENDING).update(
        status=Conversion.Status.AWAITING, updated_at=now
    )
    month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    Conversion.objects.filter(
        store=store, status=Conversion.Status.APPROVED, decided_at__lt=month_start
    ).update(status=Conversion.Status.PAYABLE, updated_at=timezone.now())


@dataclass
class Decision:
    decided: int
    skipped: dict[int, str]


def conversions_decide(
    *, conversion_ids: list[int], approve: bool, reason: str, user: User
) -> Decision:
    """Approve or deny conversions awaiting approval (one or many), skipping each one that
    cannot be decided with the reason. Denying needs a reason. Set-based: the rows are locked
    by primary key and written with one UPDATE per batch (commissions.approvals)."""
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": DENY_REASON_REQUIRED})
    with transaction.atomic():
        rows = list(
            conversions_select_for_update()
            .filter(pk__in=conversion_ids)
            .values_list("pk", "status", "settles_on", "date")
        )
        found = {pk for pk, *_ in rows}
        skipped = {pk: "not found" for pk in conversion_ids if pk not in found}
        labels = dict(Conversion.Status.choices)
        decided: list[int] = []
        # Locked by pk; reported in the order the list shows them (newest day first).
        for pk, status, settles_on, _ in sorted(rows, key=lambda r: (-r[3].toordinal(), r[0])):
            if status == Conversion.Status.PENDING:
                skipped[pk] = f"still pending until {settles_on:%d %b %Y}"
            elif status != Conversion.Status.AWAITING:
                skipped[pk] = f"already {labels[status].lower()}"
            else:
                decided.append(pk)
        now = timezone.now()
        for start in range(0, len(decided), BATCH_SIZE):
            Conversion.objects.filter(pk__in=decided[start : start + BATCH_SIZE]).update(
                status=Conversion.Status.APPROVED if approve else Conversion.Status.DENIED,
                decided_at=now,
                decided_by=user,
                decision_reason=reason,
                updated_at=now,
            )
    return Decision(decided=len(decided), skipped=skipped)
