"""Reads about conversions."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from reporting.models import Conversion


def conversions_list(*, status: str | None = None) -> QuerySet[Conversion]:
    """Conversions of the tenant in scope with what a list shows, in a fixed number of queries."""
    qs = Conversion.objects.select_related("campaign", "creator", "store").annotate(
        adjustment_count=Count("adjustments"),
        owed_extra=Sum("adjustments__commission", filter=Q(adjustments__included=False)),
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("date", "pk")


def conversion_status_counts() -> dict[str, int]:
    rows = Conversion.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
