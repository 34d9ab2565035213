"""Row locks of the ledger, in one order (Saleor's lock_objects pattern).

Every writer that locks ledger rows takes them through these helpers, so two transactions
always queue on the same row first and cannot deadlock:
1. conversions, by primary key;
2. then adjustments, by primary key.
A writer that needs both locks conversions before adjustments.
"""

from __future__ import annotations

from django.db.models import QuerySet

from commissions.models import Conversion, ConversionAdjustment


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
