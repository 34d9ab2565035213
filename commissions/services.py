"""Writes of the ledger: conversions settle from the synced facts, states advance, managers
decide. Finance pays in payout runs (commissions/payouts.py). Rows are locked only through
commissions.lock_objects (one order)."""

from __future__ import annotations

from collections import defaultdict
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
from commissions.eligibility import Terms, TermsBook
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


def _creator_days(
    store: Store, start: date | None, end: date | None, campaign: Campaign | None = None
) -> dict[tuple, dict]:
    """Amazon's ad-group rows of the store, summed per (ad group's campaign creator, date)."""
    ccs = CampaignCreator.objects.filter(campaign__store=store, campaign__track_sales=True)
    if campaign is not None:
        ccs = ccs.filter(campaign=campaign)
    creators = {
        (cc.campaign.amazon_campaign_id, cc.amazon_adgroup_id): cc
        for cc in ccs.select_related("campaign")
    }
    facts = DailyMetric.objects.filter(store=store, level=MetricLevel.ADGROUP)
    if campaign is not None:
        facts = facts.filter(amazon_campaign_id=campaign.amazon_campaign_id)
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


def _amounts(row: dict, rate: Decimal, basis: str, currency: str, eligible: bool) -> Amounts:
    """Amazon's figures of the day on the basis; the commission only on an eligible day."""
    total = basis == Campaign.CommissionBasis.TOTAL
    sales = row["total_sales"] if total else row["sales"]
    return Amounts(
        purchases=row["total_purchases"] if total else row["purchases"],
        units_sold=row["total_units_sold"] if total else row["units_sold"],
        sales=sales,
        commission=commission_for(sales, rate, currency) if eligible else ZERO,
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
    *,
    store: Store,
    sync_run: SyncRun | None = None,
    today: date | None = None,
    start: date | None = None,
    end: date | None = None,
    campaign: Campaign | None = None,
) -> None:
    """Make the store's conversions agree with its ad-group facts (for the run's window, or
    `start`..`end`, optionally one campaign's), then advance their states. Runs in the sync's
    write transaction.

    Each day earns under the terms in force on its date and only when eligible
    (commissions.eligibility): the rate, basis and settlement days of that date, never today's
    by accident. Undecided conversions follow (a restatement, folded in); decided ones keep
    their amounts and get an adjustment on top (clawback or top-up)."""
    today = today or store.today()
    if sync_run is not None:
        start, end = sync_run.window_start, sync_run.window_end
    days = _creator_days(store, start, end, campaign)
    existing_qs = Conversion.objects.filter(store=store, source="amazon").select_related(
        "campaign_creator__campaign"
    )
    if campaign is not None:
        existing_qs = existing_qs.filter(campaign=campaign)
    if start and end:
        existing_qs = existing_qs.filter(date__range=(start, end))
    existing = {
        (c.campaign_creator_id, c.date): c
        for c in existing_qs.with_owed(*(f for f in AMOUNTS if f != "commission"))
    }
    book = TermsBook(
        [row["cc"] for row in days.values()] + [c.campaign_creator for c in existing.values()]
    )
    currency = store.currency_code
    new_conversions, adjustments = [], []
    for key in set(days) | set(existing):
        row, conversion = days.get(key), existing.get(key)
        cc = row["cc"] if row else conversion.campaign_creator  # type: ignore[union-attr]
        terms = book.terms_on(cc, key[1])
        reason = book.ineligible_reason(cc, key[1])
        if conversion is None:
            assert row is not None
            amounts = _amounts(row, terms.rate, terms.basis, currency, not reason)
            if amounts.is_zero():
                continue
            settles_on = key[1] + timedelta(days=terms.settlement_days)
            new_conversions.append(
                Conversion(
                    store=store,
                    campaign=cc.campaign,
                    campaign_creator=cc,
                    creator_id=cc.creator_id,
                    date=key[1],
                    currency=currency,
                    commission_rate=terms.rate,
                    ineligible_reason=reason,
                    settles_on=settles_on,
                    **amounts.as_fields(),
                    # conversions_advance (below) settles it when its date has passed
                    status=Conversion.Status.PENDING,
                )
            )
            continue
        if conversion.status == Conversion.Status.DENIED:
            continue  # nothing is owed on a denied conversion, whatever Amazon restates
        adjustment = _conversion_resettle(conversion, row, terms, reason, currency)
        if adjustment is not None:
            adjustment.sync_run = sync_run
            adjustments.append(adjustment)
    Conversion.objects.bulk_create(new_conversions)
    ConversionAdjustment.objects.bulk_create(adjustments)
    conversions_advance(store=store, today=today)


def _conversion_resettle(
    conversion: Conversion, row: dict | None, terms: Terms, reason: str, currency: str
) -> ConversionAdjustment | None:
    """Bring one conversion (annotated by with_owed) to Amazon's figures under `terms` and
    `reason`; the adjustment recording the change, if anything changed. An undecided
    conversion takes the terms of its date (rate, and settlement days while pending); a
    decided one keeps its rate."""
    undecided = conversion.status in Conversion.UNDECIDED
    rate = terms.rate if undecided and row else conversion.commission_rate
    target = _amounts(row, rate, terms.basis, currency, not reason) if row else Amounts()
    delta = target.minus(_owed(conversion))
    fields = []
    if reason != conversion.ineligible_reason:
        conversion.ineligible_reason = reason
        fields.append("ineligible_reason")
    settles_on = conversion.date + timedelta(days=terms.settlement_days)
    if conversion.status == Conversion.Status.PENDING and settles_on != conversion.settles_on:
        conversion.settles_on = settles_on
        fields.append("settles_on")
    terms_changed = bool(fields) or rate != conversion.commission_rate
    if undecided and (terms_changed or not delta.is_zero()):
        for field in AMOUNTS:
            setattr(conversion, field, getattr(target, field))
        conversion.commission_rate = rate
        fields += [*AMOUNTS, "commission_rate"]
    if fields:
        conversion.save(update_fields=[*fields, "updated_at"])
    if delta.is_zero():
        return None
    if undecided:
        kind, included = ConversionAdjustment.Kind.RESTATEMENT, True
    else:
        kind = (
            ConversionAdjustment.Kind.CLAWBACK
            if delta.commission < 0
            else ConversionAdjustment.Kind.TOP_UP
        )
        included = False
    if terms_changed and delta.minus(Amounts(commission=delta.commission)).is_zero():
        kind = ConversionAdjustment.Kind.TERMS  # only the terms moved the commission
    return ConversionAdjustment(
        conversion=conversion, kind=kind, included=included, **delta.as_fields()
    )


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


@dataclass(frozen=True)
class TermsMove:
    """What a change of terms moves on the conversions still pending from its date: how many
    conversions and the commission per currency (never summed across currencies)."""

    effective_from: date
    conversions: int
    amounts: dict[str, Decimal]

    @property
    def moves_money(self) -> bool:
        return any(self.amounts.values())

    def token(self) -> str:
        """The move as the confirmation form carries it back ("USD:12.50;EUR:-3.00")."""
        return ";".join(f"{cur}:{amount}" for cur, amount in sorted(self.amounts.items()))


def _pending_owed(campaign: Campaign, start: date) -> dict[int, tuple[str, Decimal]]:
    rows = (
        Conversion.objects.filter(campaign=campaign, date__gte=start)
        .owing()
        .with_owed()
        .values_list("pk", "currency", "owed")
    )
    return {pk: (currency, owed) for pk, currency, owed in rows}


def _terms_change(
    *,
    campaign: Campaign,
    effective_from: date,
    write: Any,
    apply_to_pending: bool,
    preview: bool,
    expected: str | None,
) -> TermsMove:
    """Record new terms from `effective_from` (`write(allow_past, applied_to_pending)`), and
    when that day is past, re-settle the campaign's conversions from it: only undecided ones
    take the new terms (each change an adjustment); decided ones keep theirs. `preview`: do it,
    measure it, roll it back. `expected`: the preview's token the manager confirmed; refused
    when the move differs by now."""
    store = campaign.store
    today = store.today()
    past = effective_from < today
    if past and not apply_to_pending:
        raise ValidationError(
            {
                "terms_from": "Past days keep the terms they were earned under. To apply the "
                "change to conversions still pending from that day, tick the box and confirm."
            }
        )
    with transaction.atomic():
        if past:
            # Queue behind any decision on these conversions (commissions.lock_objects order).
            list(
                conversions_select_for_update(
                    Conversion.objects.filter(campaign=campaign, date__gte=effective_from)
                ).values_list("pk", flat=True)
            )
        before = _pending_owed(campaign, effective_from) if past else {}
        write(allow_past=past, applied_to_pending=past)
        if past:
            conversions_settle(store=store, start=effective_from, end=today, campaign=campaign)
        after = _pending_owed(campaign, effective_from) if past else {}
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        moved = 0
        for pk in set(before) | set(after):
            currency, was = before.get(pk, (store.currency_code, ZERO))
            now = after.get(pk, (currency, ZERO))[1]
            if now != was:
                moved += 1
                amounts[currency] += now - was
        move = TermsMove(effective_from, moved, dict(amounts))
        if preview:
            transaction.set_rollback(True)
        elif expected is not None and expected != move.token():
            raise ValidationError(
                {
                    "terms_from": "What the change moves changed since you saw it (a sync or a "
                    "decision meanwhile); review it again."
                }
            )
    return move


def campaign_terms_change(
    *,
    campaign: Campaign,
    effective_from: date,
    default_commission_rate: Decimal,
    commission_basis: str,
    settlement_days: int,
    user: User | None,
    apply_to_pending: bool = False,
    preview: bool = False,
    expected: str | None = None,
) -> TermsMove:
    """The campaign's default rate, basis and settlement days from `effective_from` (default
    on the pages: the store's today). A past day only with `apply_to_pending`: the manager
    chose to move the conversions still pending from it, after seeing what it moves."""
    from campaigns.services.campaigns import campaign_terms_set

    def write(*, allow_past: bool, applied_to_pending: bool) -> None:
        campaign_terms_set(
            campaign=campaign,
            effective_from=effective_from,
            default_commission_rate=default_commission_rate,
            commission_basis=commission_basis,
            settlement_days=settlement_days,
            changed_by=user,
            allow_past=allow_past,
            applied_to_pending=applied_to_pending,
        )

    return _terms_change(
        campaign=campaign,
        effective_from=effective_from,
        write=write,
        apply_to_pending=apply_to_pending,
        preview=preview,
        expected=expected,
    )


def campaign_creator_terms_change(
    *,
    campaign_creator: CampaignCreator,
    effective_from: date,
    commission_rate_override: Decimal | None,
    user: User | None,
    apply_to_pending: bool = False,
    preview: bool = False,
    expected: str | None = None,
) -> TermsMove:
    """A creator's override (None: the campaign's default) from `effective_from`; a past day
    only with `apply_to_pending`, as `campaign_terms_change`."""
    from campaigns.services.campaign_creators import campaign_creator_terms_set

    def write(*, allow_past: bool, applied_to_pending: bool) -> None:
        campaign_creator_terms_set(
            campaign_creator=campaign_creator,
            effective_from=effective_from,
            commission_rate_override=commission_rate_override,
            changed_by=user,
            allow_past=allow_past,
            applied_to_pending=applied_to_pending,
        )

    return _terms_change(
        campaign=campaign_creator.campaign,
        effective_from=effective_from,
        write=write,
        apply_to_pending=apply_to_pending,
        preview=preview,
        expected=expected,
    )
