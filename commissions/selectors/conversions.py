"""Reads about conversions: the managers' list, its filter, and what a selection adds up to."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Abs, Coalesce

from commissions.models import Conversion, ConversionAdjustment, ConversionQuerySet
from core.months import month_range


@dataclass(frozen=True)
class ConversionFilter:
    """What the conversions page and the API filter by; the same filter chooses the rows a
    bulk decision applies to ("every conversion matching"), on the server, never as a list of
    ids. Empty fields do not filter. `month` is the first day of a calendar month of the
    conversions' dates."""

    store: int | None = None
    campaign: int | None = None
    creator: int | None = None
    month: date | None = None
    status: str | None = None

    def apply(self, qs: QuerySet[Conversion]) -> QuerySet[Conversion]:
        if self.store is not None:
            qs = qs.filter(store_id=self.store)
        if self.campaign is not None:
            qs = qs.filter(campaign_id=self.campaign)
        if self.creator is not None:
            qs = qs.filter(creator_id=self.creator)
        if self.month is not None:
            qs = qs.filter(date__range=month_range(self.month))
        if self.status:
            qs = qs.filter(status=self.status)
        return qs


def conversions_matching(
    *, filter: ConversionFilter, ids: list[int] | None = None
) -> QuerySet[Conversion]:
    """The tenant's conversions matching `filter` (and among `ids`, when given): plain rows,
    for locking and summing."""
    qs = filter.apply(Conversion.objects.all())
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs


def _restatements_sum(expression: F | Abs) -> Coalesce:
    total = (
        ConversionAdjustment.objects.filter(
            conversion=OuterRef("pk"), kind=ConversionAdjustment.Kind.RESTATEMENT
        )
        .order_by()
        .values("conversion")
        .annotate(total=Sum(expression))
        .values("total")
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    return Coalesce(Subquery(total), Value(Decimal(0)), output_field=money)


def with_restated(qs: QuerySet[Conversion]) -> QuerySet[Conversion]:
    """Annotate how much Amazon restated each conversion's day while it was pending (the
    campaign's approval rule reads it, commissions.approvals): `restated_sales` (Σ |Δ sales| of
    its restatement adjustments) and `first_sales` (the sales Amazon first reported: sales less
    the restatements' Δ)."""
    return qs.annotate(
        restated_sales=_restatements_sum(Abs("sales")),
        first_sales=F("sales") - _restatements_sum(F("sales")),
    )


def restated_share_of(conversions: list[Conversion]) -> list[Conversion]:
    """Set `restated_sales` and `restated_percent` (the share of the sales first reported, as
    `with_restated` measures it; None when none were) on a page of conversions, in one query."""
    rows = (
        ConversionAdjustment.objects.filter(
            conversion__in=[c.pk for c in conversions],
            kind=ConversionAdjustment.Kind.RESTATEMENT,
        )
        .order_by()
        .values("conversion")
        .annotate(moved=Sum(Abs("sales")), net=Sum("sales"))
    )
    by_id = {row["conversion"]: (row["moved"], row["net"]) for row in rows}
    for c in conversions:
        moved, net = by_id.get(c.pk, (Decimal(0), Decimal(0)))
        first = abs(c.sales - net)
        c.restated_sales = moved  # type: ignore[attr-defined]
        c.restated_percent = moved * 100 / first if first else None  # type: ignore[attr-defined]
    return conversions


def conversions_list(
    *, status: str | None = None, filter: ConversionFilter | None = None
) -> QuerySet[Conversion]:
    """Conversions of the tenant in scope with what a list shows (the adjustments' count, what
    is owed on top and in all), in a fixed number of queries."""
    qs = Conversion.objects.all()
    if filter is not None:
        qs = filter.apply(qs)
    qs = (
        qs.select_related("campaign", "creator", "store", "decided_by")
        .annotate(adjustment_count=Count("adjustments"))
        .with_owed()
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("date", "pk")


def conversion_status_counts(*, filter: ConversionFilter | None = None) -> dict[str, int]:
    qs = Conversion.objects.all() if filter is None else filter.apply(Conversion.objects.all())
    rows = qs.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


@dataclass(frozen=True)
class SelectionSummary:
    """What a selection of conversions adds up to: how many, what they owe per currency (never
    summed across currencies), and a version that changes when any of them changes (a
    restatement, a decision elsewhere) or the set itself does: a bulk decision compares it with
    the one the manager saw. Statuses are not in it: a selection to decide is of conversions
    awaiting approval only, so a decided one leaves the set."""

    count: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)
    version: str = ""

    @property
    def currencies(self) -> list[tuple[str, Decimal]]:
        return sorted(self.totals.items())


def conversions_selection_summary(qs: QuerySet[Conversion]) -> SelectionSummary:
    """What `qs` adds up to (one query; `selection_rows` + `selection_summary_of`)."""
    return selection_summary_of(selection_rows(qs))


def selection_rows(qs: QuerySet[Conversion]) -> QuerySet[Any]:
    """(id, currency, owed) of each conversion of `qs`, in id order: what a summary is made of
    (a bulk decision reads them with the rows' locks, commissions.approvals)."""
    return (
        cast(ConversionQuerySet, qs)
        .with_owed()
        .order_by("pk")
        .values_list("pk", "currency", "owed")
    )


def selection_summary_of(rows: Iterable[tuple[int, str, Decimal]]) -> SelectionSummary:
    """Count, owed per currency, and the version: a digest of every (id, owed) in id order."""
    count, digest = 0, hashlib.sha256()
    totals: defaultdict[str, Decimal] = defaultdict(Decimal)
    for pk, currency, owed in rows:
        count += 1
        totals[currency] += owed
        digest.update(f"{pk}:{currency}:{owed};".encode())
    return SelectionSummary(
        count=count, totals=dict(totals), version=digest.hexdigest()[:32] if count else ""
    )
