"""Row locks of the ledger, in one order (Saleor's lock_objects pattern).

Every writer that locks ledger rows takes them through these helpers, so two transactions
always queue on the same row first and cannot deadlock:
1. a payout run (creating, paying or cancelling one);
2. conversions, by primary key;
3. then adjustments, by primary key.
A writer that needs several locks takes them in this order.
"""

from __future__ import annotations

from django.db.models import QuerySet

from commissions.models import Conversion, ConversionAdjustment, PayoutRun


def conversions_select_for_update(
    qs: QuerySet[Conversion] | None = None,
) -> QuerySet[Conversion]:
    """`qs` (the tenant's conversions when None) locked by primary key."""
    qs = Conversion.objects.all() if qs is None else qs
    return qs.select_for_update().order_by("pk")


def adjustments_select_for_update(
    qs: QuerySet[ConversionAdjustment] | None = None,
) -> QuerySet[ConversionAdjustment]:
    """`qs` (the tenant's adjustments when None) locked by primary key; only the adjustment
    rows, not the conversions a filter joins (those are taken first, in their own order)."""
    qs = ConversionAdjustment.objects.all() if qs is None else qs
    return qs.select_for_update(of=("self",)).order_by("pk")


def payout_run_lock(*, run_id: int) -> PayoutRun | None:
    """The tenant's payout run `run_id`, locked (None: no such run)."""
    return PayoutRun.objects.select_for_update().filter(pk=run_id).first()
