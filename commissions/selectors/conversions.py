"""Reads about conversions."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from commissions.models import Conversion


def conversions_list(*, status: str | None = None) -> QuerySet[Conversion]:
    """Conversions of the tenant in scope with what a list shows (the adjustments' count, what
    is owed on top and in all), in a fixed number of queries."""
    qs = (
        Conversion.objects.select_related("campaign", "creator", "store")
        .annotate(adjustment_count=Count("adjustments"))
        .with_owed()
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("date", "pk")


def conversion_status_counts() -> dict[str, int]:
    rows = Conversion.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
