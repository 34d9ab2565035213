"""Approval at scale: what settles without a manager, and deciding thousands at once.

At settlement (commissions.services.conversions_advance), a conversion past its settlement
date is
1. approved on its own when nothing is owed on it (`ConversionQuerySet.nothing_owed`): no
   manager needs to look at nothing (reason `Conversion.NOTHING_OWED_REASON`);
2. approved on its own when its campaign has the approval rule on (`Campaign.auto_approve`)
   and Amazon restated its day by at most `Campaign.auto_approve_max_restated_percent`;
3. otherwise queued for a manager (`awaiting`).
Either way `decided_by` stays empty (nobody decided) and `decision_reason` says why.

"Restated by more than X %": while a conversion is pending, every change Amazon makes to its
day is folded into it and recorded as a `restatement` adjustment carrying the change. The
share restated is the sum of those changes' sizes in sales (|Δ sales|, so up-and-down churn
counts) over the sales Amazon first reported (today's sales less the changes). Sales, not
commission: a rate change moves commission without Amazon restating anything. A day first
reported with no sales and restated since counts as restated by more than any share.

Bulk decisions (`conversions_decide_matching`) lock the rows through commissions.lock_objects
and write them with one UPDATE per batch, never a save per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Abs
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from commissions.lock_objects import conversions_select_for_update
from commissions.models import Conversion, ConversionQuerySet
from commissions.selectors.conversions import (
    ConversionFilter,
    SelectionSummary,
    conversions_matching,
    selection_rows,
    selection_summary_of,
    with_restated,
)
from tenancy.models import User

# Rows per UPDATE of a bulk decision: big enough that 10,000 take a few statements, small
# enough that one statement's parameter list stays modest.
BATCH_SIZE = 5000
DENY_REASON_REQUIRED = "Say why the conversion is denied; the creator sees it."


def restated_within(qs: QuerySet[Conversion], percent: Decimal) -> QuerySet[Conversion]:
    """The conversions of `qs` whose day Amazon restated by at most `percent` % (see the module
    docstring): restated <= percent / 100 * |first reported| (no division by zero)."""
    return (
        with_restated(qs)
        .annotate(first_abs=Abs("first_sales"))
        .filter(
            LessThanOrEqual(
                F("restated_sales"), F("first_abs") * Value(percent) / Value(Decimal(100))
            )
        )
    )


def auto_approve_reason(percent: Decimal) -> str:
    return (
        "Approved automatically at settlement (campaign rule): Amazon restated the day by "
        f"at most {percent.normalize():f} %."
    )


def _locked(qs: QuerySet[Conversion]) -> QuerySet[Conversion, Any]:
    """The ids of `qs` as a subquery that locks them in the ledger's order (by pk) before the
    UPDATE around it writes them."""
    return conversions_select_for_update(qs).values("pk")


def conversions_approve_at_settlement(*, due: QuerySet[Conversion], now: datetime) -> int:
    """Steps 1 and 2 of the module docstring for `due` (undecided conversions past their
    settlement date); returns how many were approved. Step 1 also clears what waits for a
    manager with nothing owed; step 2 (the campaign's rule) takes only the pending ones, which
    settle now: what already waits for a manager is the manager's. Set-based: one UPDATE per
    step and campaign."""
    nothing_owed = cast(ConversionQuerySet, due).nothing_owed()
    approved = Conversion.objects.filter(pk__in=_locked(nothing_owed)).update(
        status=Conversion.Status.APPROVED,
        decided_at=now,
        decided_by=None,
        decision_reason=Conversion.NOTHING_OWED_REASON,
        updated_at=now,
    )
    due = due.filter(status=Conversion.Status.PENDING)
    rules = (
        due.filter(campaign__auto_approve=True)
        .order_by()
        .values_list("campaign_id", "campaign__auto_approve_max_restated_percent")
        .distinct()
    )
    for campaign_id, percent in rules:
        within = restated_within(due.filter(campaign_id=campaign_id), percent)
        approved += Conversion.objects.filter(pk__in=_locked(within)).update(
            status=Conversion.Status.APPROVED,
            decided_at=now,
            decided_by=None,
            decision_reason=auto_approve_reason(percent),
            updated_at=now,
        )
    return approved


class SelectionChanged(ValidationError):
    """The conversions a bulk decision would apply to are not the ones the manager saw; nothing
    was changed. `summary` is what matches now."""

    def __init__(self, message: str, summary: SelectionSummary) -> None:
        super().__init__({"selection": message}, code="stale")
        self.summary = summary


@dataclass
class BulkDecision:
    decided: int
    summary: SelectionSummary


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def _why_not(ids: list[int], decidable: set[int]) -> list[str]:
    """Why each of `ids` that cannot be decided cannot (for the message)."""
    missing = [pk for pk in ids if pk not in decidable]
    if not missing:
        return []
    found = dict(
        Conversion.objects.filter(pk__in=missing).values_list("pk", "status")
    )  # one query, however many
    labels = dict(Conversion.Status.choices)
    return [
        f"#{pk} is {labels[found[pk]].lower()}" if pk in found else f"#{pk} no longer exists"
        for pk in missing
    ]


def conversions_decide_matching(
    *,
    filter: ConversionFilter,
    approve: bool,
    reason: str,
    user: User | None,
    ids: list[int] | None = None,
    expected: SelectionSummary | None = None,
) -> BulkDecision:
    """Approve or deny every conversion awaiting approval that matches `filter` (among `ids`,
    when the manager ticked rows), all or nothing.

    With `expected` (what the manager saw: count and version), the decision is refused with
    `SelectionChanged` when the rows differ now (one was decided elsewhere, Amazon restated one,
    another one started matching); with `ids`, always when a ticked one cannot be decided.
    Denying needs a reason."""
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": DENY_REASON_REQUIRED})
    if filter.status and filter.status != Conversion.Status.AWAITING:
        raise ValidationError(
            {
                "status": "Only conversions awaiting approval can be approved or denied; "
                "filter by the status “Awaiting approval”."
            }
        )
    awaiting = replace(filter, status=Conversion.Status.AWAITING)
    with transaction.atomic():
        qs = conversions_matching(filter=awaiting, ids=ids)
        # One query locks the rows (by pk) and reads what the summary is made of.
        rows = cast(
            list[tuple[int, str, Decimal]],
            list(conversions_select_for_update(selection_rows(qs))),
        )
        summary = selection_summary_of(rows)
        locked = [pk for pk, _, _ in rows]
        problems = _why_not(ids, set(locked)) if ids is not None else []
        if problems or (
            expected is not None
            and (expected.count, expected.version) != (summary.count, summary.version)
        ):
            raise SelectionChanged(_stale_message(expected, summary, problems), summary)
        if not locked:
            raise ValidationError(
                {"selection": "No conversion awaiting approval matches; nothing was changed."}
            )
        now = timezone.now()
        status = Conversion.Status.APPROVED if approve else Conversion.Status.DENIED
        for batch in _batches(locked):
            Conversion.objects.filter(pk__in=batch).update(
                status=status,
                decided_at=now,
                decided_by=user,
                decision_reason=reason,
                updated_at=now,
            )
    return BulkDecision(decided=len(locked), summary=summary)


def _stale_message(
    expected: SelectionSummary | None, summary: SelectionSummary, problems: list[str]
) -> str:
    if problems:
        shown = "; ".join(problems[:5]) + (
            f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        what = f"Some of the selected conversions can no longer be decided ({shown})."
    elif expected is not None and expected.count != summary.count:
        what = (
            f"You selected {expected.count:,} conversions, but {summary.count:,} match now: some "
            "were approved or denied elsewhere, or started waiting for approval, since the page "
            "was loaded."
        )
    else:
        what = (
            "Amazon restated some of the selected conversions (or others took their place) since "
            "the page was loaded."
        )
    return f"{what} Nothing was changed; check the selection and its totals, then try again."
